"""Mail plumbing for the outbox: Message-IDs, send leases, the transports and senders the apps
above register (Django's EMAIL_BACKEND, writing to the outbox, is ``backend.OutboxBackend``)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.mail import get_connection

#: The blocking SMTP steps of one mail besides one RCPT per recipient (connect, EHLO,
#: STARTTLS, EHLO, AUTH, MAIL, DATA, the content, RSET/QUIT), with one to spare.
SMTP_STEPS = 10


def send_lease(recipients: int) -> timedelta:
    """How long one mail may take at worst: every step waiting out the SMTP timeout."""
    return timedelta(seconds=settings.SMTP_TIMEOUT * (SMTP_STEPS + recipients))


def message_id() -> str:
    """A Message-ID in the sender's domain, fixed when a mail is queued."""
    from email.utils import parseaddr

    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ownup.local"
    return make_msgid(domain=domain)


# --- transports and senders of the apps above (dependency inversion) ----------------------
#: name -> factory(rest_of_transport) returning a Django email connection.
_TRANSPORTS: dict = {}
#: functions(workspace=, addresses=, user=) -> (transport, from_email) or None.
_SENDERS: list = []


def register_transport(name: str, factory) -> None:
    """Let ``transport="name:…"`` outbox rows leave through ``factory("…")``'s connection."""
    _TRANSPORTS[name] = factory


def register_sender(func) -> None:
    """A rule choosing the transport and From of a reply to a client (first answer wins)."""
    if func not in _SENDERS:
        _SENDERS.append(func)


def sender_for(*, workspace, addresses, user) -> tuple[str, str]:
    """(transport, From) for a reply to a client: a connected mailbox when an app knows one
    (the address the client wrote to, or the person's own), else the system's."""
    for func in _SENDERS:
        found = func(workspace=workspace, addresses=list(addresses), user=user)
        if found:
            return found
    return "", settings.DEFAULT_FROM_EMAIL


def connection_for(transport: str):
    """The connection an outbox row with ``transport`` is sent over."""
    if not transport:
        return delivery_connection()
    name, _, rest = transport.partition(":")
    if name not in _TRANSPORTS:
        raise ValueError(f"unknown mail transport {name!r}")
    return _TRANSPORTS[name](rest)


def delivery_connection():
    """A real connection to where mail goes, from EMAIL_URL (smtp://… or console)."""
    url = urlparse(settings.EMAIL_URL)
    if url.scheme in {"console", ""}:
        return get_connection("django.core.mail.backends.console.EmailBackend")
    if url.scheme == "locmem":
        return get_connection("django.core.mail.backends.locmem.EmailBackend")
    if url.scheme not in {"smtp", "smtps", "submission"}:
        raise ValueError(f"EMAIL_URL scheme {url.scheme!r} is not smtp, smtps or console")
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=url.hostname or "127.0.0.1",
        port=url.port or (465 if url.scheme == "smtps" else 587 if url.scheme == "submission"
                          else 25),
        username=unquote(url.username or ""),
        password=unquote(url.password or ""),
        use_ssl=url.scheme == "smtps",
        use_tls=url.scheme == "submission",
        timeout=settings.SMTP_TIMEOUT,
    )
