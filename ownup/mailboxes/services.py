"""Writes for mailboxes: configure them, and poll them over IMAP.

Polling (``mailbox_poll``) resumes after ``last_uid`` (starting over when the folder's
UIDVALIDITY changes), fetches whole messages in batches and hands each to
``ownup.inbox.ingest.message_ingest``; ``last_uid`` moves past a message only after that
message is committed, so a crash re-polls the rest and Message-IDs keep re-polls from
duplicating. A lease on the row (``mailbox_claim``, through the worker's one claim routine,
``ownup.worker.claim.claim_rows``) keeps two workers off one mailbox.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.secretbox import SecretError, decrypt, encrypt
from ownup.worker.claim import claim_rows

from .models import Mailbox, MailboxKind, Security
from .validation import validate_mailbox as _validate

LEASE = timedelta(minutes=5)
BATCH = 50
TIMEOUT = 30
FIELDS = ("name", "kind", "host", "port", "security", "username", "folder", "enabled",
          "poll_every_seconds")


@dataclass
class PollResult:
    counts: Counter = field(default_factory=Counter)
    error: str = ""
    skipped: bool = False  # another worker holds the mailbox
    more: bool = False  # stopped at the time budget; the rest comes with the next poll

    @property
    def read(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        if self.skipped:
            return "already being polled elsewhere"
        keys = ("imported", "duplicate", "unmatched", "quarantined")
        text = ", ".join(f"{k}: {self.counts[k]}" for k in keys)
        sent = [f"{k}: {self.counts['sent ' + k]}" for k in keys if self.counts["sent " + k]]
        if sent:
            text += "; sent folder: " + ", ".join(sent)
        text += f" (read: {self.read})"
        if self.more:
            text += "; more mail is waiting, the worker reads it next"
        return text + (f"; error: {self.error}" if self.error else "")


@transaction.atomic
def mailbox_create(
    *,
    workspace: Workspace,
    name: str,
    host: str,
    username: str,
    password: str,
    kind: str = MailboxKind.SHARED_INBOX,
    port: int | None = None,
    security: str = Security.SSL,
    folder: str = "INBOX",
    enabled: bool = True,
    poll_every_seconds: int = 120,
) -> Mailbox:
    if port is None:
        port = 993 if security == Security.SSL else 143
    mb = Mailbox(workspace=workspace, name=name, kind=kind, host=host, port=port,
                 security=security, username=username, folder=folder, enabled=enabled,
                 poll_every_seconds=poll_every_seconds, next_poll_at=timezone.now())
    _validate(mb, password)
    mb.password_encrypted = encrypt(password)
    mb.save()
    return mb


@transaction.atomic
def mailbox_update(*, mailbox: Mailbox, password: str | None = None, **changes) -> Mailbox:
    """Change settings; a blank or missing ``password`` keeps the stored one.

    Pointing the mailbox at another server, account or folder starts reading it afresh.
    """
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in sorted(unknown)})
    before = (mailbox.host, mailbox.port, mailbox.username, mailbox.folder)
    for key, value in changes.items():
        setattr(mailbox, key, value)
    _validate(mailbox, password or None)
    if password:
        mailbox.password_encrypted = encrypt(password)
    if (mailbox.host, mailbox.port, mailbox.username, mailbox.folder) != before:
        mailbox.uidvalidity, mailbox.last_uid = None, 0
        mailbox.sent_uidvalidity, mailbox.sent_last_uid = None, 0
    if mailbox.enabled and mailbox.next_poll_at is None:
        mailbox.next_poll_at = timezone.now()
    mailbox.last_error = "" if password else mailbox.last_error
    mailbox.save()
    return mailbox


def mailbox_delete(*, mailbox: Mailbox) -> None:
    """Stop reading the mailbox (the messages it brought in stay); an OAuth grant is revoked
    at the provider first."""
    if mailbox.is_oauth:
        from .oauth import oauth_disconnect

        oauth_disconnect(mailbox=mailbox)
    mailbox.delete()


# --- claiming -------------------------------------------------------------------------

def _free(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def mailbox_claim(*, mailbox: Mailbox, worker_id: str, now: datetime | None = None) -> bool:
    """Take the lease on one mailbox; False when another worker holds it."""
    now = now or timezone.now()
    won = claim_rows(Mailbox, due=_free(now) & Q(pk=mailbox.pk), limit=1, order_by="pk",
                     claimed=dict(claimed_by=worker_id, claimed_until=now + LEASE))
    if won:
        mailbox.claimed_by, mailbox.claimed_until = worker_id, now + LEASE
    return bool(won)


def mailboxes_claim_due(*, worker_id: str, now: datetime, limit: int) -> list[Mailbox]:
    """Claim enabled mailboxes whose next poll is due (the worker's one claim routine)."""
    won = claim_rows(Mailbox, due=_free(now) & Q(enabled=True, next_poll_at__lte=now),
                     limit=limit, order_by="next_poll_at",
                     claimed=dict(claimed_by=worker_id, claimed_until=now + LEASE))
    return list(Mailbox.objects.filter(pk__in=[m.pk for m in won])
                .select_related("workspace").order_by("next_poll_at"))


_KEEP = object()


def mailbox_release(
    *, mailbox: Mailbox, worker_id: str, now: datetime | None = None, again: bool = False,
    next_at=_KEEP,
) -> None:
    """Give the lease back; the next poll is due after the interval (at once with ``again``,
    at ``next_at`` when given: None pauses polling)."""
    now = now or timezone.now()
    if next_at is _KEEP:
        next_at = now if again else now + timedelta(seconds=mailbox.poll_every_seconds)
    Mailbox.objects.filter(pk=mailbox.pk, claimed_by=worker_id).update(
        claimed_by="", claimed_until=None, next_poll_at=next_at,
    )


# --- IMAP -----------------------------------------------------------------------------

def connect(mailbox: Mailbox):
    """A logged-in IMAPClient for the mailbox (raises on network or login errors)."""
    from imapclient import IMAPClient

    if mailbox.is_oauth:
        return _connect_oauth(mailbox)
    password = decrypt(mailbox.password_encrypted)
    context = ssl.create_default_context()
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.security == Security.SSL,
                        ssl_context=context, timeout=TIMEOUT)
    try:
        if mailbox.security == Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.username, password)
    except Exception:
        _close(client)
        raise
    return client


def _imap_client(mailbox: Mailbox):
    from imapclient import IMAPClient

    context = ssl.create_default_context()
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.security == Security.SSL,
                        ssl_context=context, timeout=TIMEOUT)
    if mailbox.security == Security.STARTTLS:
        try:
            client.starttls(context)
        except Exception:
            _close(client)
            raise
    return client


def _connect_oauth(mailbox: Mailbox):
    """Log in with XOAUTH2 or OAUTHBEARER. A refused token is refreshed once; refused again,
    the mailbox needs reconnecting."""
    from imapclient.exceptions import LoginError

    from .models import Mechanism
    from .oauth import access_token, grant_needs_reconnect

    token = access_token(mailbox)
    mechanism = mailbox.grant.mechanism
    for attempt in (1, 2):
        client = _imap_client(mailbox)
        try:
            if mechanism == Mechanism.OAUTHBEARER:
                client.oauthbearer_login(mailbox.username, token)
            else:
                client.oauth2_login(mailbox.username, token)
            return client
        except LoginError as exc:
            _close(client)
            if attempt == 2:
                raise grant_needs_reconnect(
                    mailbox=mailbox, reason=f"The IMAP server refused the token "
                    f"({_text(exc) or 'authentication failed'}). Reconnect the mailbox.",
                ) from None
            token = access_token(mailbox, force_refresh=True)
        except Exception:
            _close(client)
            raise
    raise AssertionError("unreachable")


def _close(client) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - a broken connection is closed anyway
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001
            pass


def describe_error(exc: BaseException) -> str:
    """One line a manager can act on."""
    from imapclient.exceptions import IMAPClientError, LoginError

    from .oauth import OAuthProblem

    if isinstance(exc, OAuthProblem):
        return str(exc)
    if isinstance(exc, LoginError):
        return f"login failed: {_text(exc) or 'wrong user name or password'}"
    if isinstance(exc, SecretError):
        return "the stored password cannot be decrypted (was OWNUP_SECRETS_KEY changed?)"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (wrong host or port?)"
    if isinstance(exc, OSError):
        return f"network error: {exc.strerror or exc}"
    if isinstance(exc, IMAPClientError):
        return f"IMAP error: {_text(exc)}"
    return f"{type(exc).__name__}: {_text(exc)}"


def _text(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text[:500]


def mailbox_test_connection(*, mailbox: Mailbox) -> tuple[bool, str]:
    """Log in and open the folder; (ok, what happened). Changes nothing."""
    try:
        client = connect(mailbox)
    except Exception as exc:  # noqa: BLE001 - reported to the user
        return False, describe_error(exc)
    try:
        info = client.select_folder(mailbox.folder, readonly=True)
        return True, f"connected; {info.get(b'EXISTS', 0)} messages in {mailbox.folder}"
    except Exception as exc:  # noqa: BLE001
        return False, describe_error(exc)
    finally:
        _close(client)


def _fetch_uids(client, last_uid: int) -> list[int]:
    # "n:*" always matches the newest message even when its UID is below n: filter.
    return sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)


def _poll(mailbox: Mailbox, worker_id: str, result: PollResult, batch: int,
          deadline: float | None) -> None:
    client = connect(mailbox)
    try:
        _poll_folder(client, mailbox, worker_id, result, batch, deadline,
                     folder=mailbox.folder, direction=mailbox.direction,
                     fields=("uidvalidity", "last_uid"), prefix="")
        sent = _sent_folder(mailbox)
        if sent and not result.more and client.folder_exists(sent):
            # What the team sent from Gmail / Outlook counts on the threads too.
            _poll_folder(client, mailbox, worker_id, result, batch, deadline, folder=sent,
                         direction="outbound", fields=("sent_uidvalidity", "sent_last_uid"),
                         prefix="sent ")
    finally:
        _close(client)


def _sent_folder(mailbox: Mailbox) -> str:
    """The Sent folder an OAuth shared inbox also reads (its provider's, e.g. Sent Items)."""
    if not mailbox.is_oauth or mailbox.kind != MailboxKind.SHARED_INBOX:
        return ""
    grant = getattr(mailbox, "grant", None)
    return grant.sent_folder if grant and grant.read_sent else ""


def _sent_by_ownup(mailbox: Mailbox, raw: bytes) -> bool:
    """Is this Sent-folder message a reply ownup sent (and recorded when it was written)?"""
    from email.parser import BytesHeaderParser

    from ownup.inbox.models import Message

    try:
        message_id = (BytesHeaderParser().parsebytes(raw[:65536])["Message-ID"] or "").strip()
    except Exception:  # noqa: BLE001 - a malformed header is left to the ingest
        return False
    return bool(message_id) and Message.objects.filter(
        workspace=mailbox.workspace, message_id=message_id, direction="outbound",
        sent_by__isnull=False).exists()


def _poll_folder(client, mailbox: Mailbox, worker_id: str, result: PollResult, batch: int,
                 deadline: float | None, *, folder: str, direction: str,
                 fields: tuple[str, str], prefix: str) -> None:
    from ownup.inbox.ingest import message_ingest

    validity_field, uid_field = fields
    info = client.select_folder(folder, readonly=True)
    uidvalidity = int(info[b"UIDVALIDITY"])
    if getattr(mailbox, validity_field) != uidvalidity:
        # A new folder generation: UIDs mean nothing any more; Message-IDs dedupe.
        setattr(mailbox, validity_field, uidvalidity)
        setattr(mailbox, uid_field, 0)
        Mailbox.objects.filter(pk=mailbox.pk).update(**{validity_field: uidvalidity,
                                                        uid_field: 0})
    uids = _fetch_uids(client, getattr(mailbox, uid_field))
    for start in range(0, len(uids), batch):
        if start and deadline is not None and time.monotonic() > deadline:
            result.more = True
            break
        chunk = uids[start:start + batch]
        data = client.fetch(chunk, ["BODY.PEEK[]"])
        for uid in chunk:
            item = data.get(uid) or {}
            raw = item.get(b"BODY[]")
            if raw is None:
                continue  # expunged meanwhile
            if direction == "outbound" and _sent_by_ownup(mailbox, bytes(raw)):
                status = "duplicate"  # a reply ownup sent, filed in Sent: already recorded
            else:
                status = message_ingest(mailbox.workspace, bytes(raw), direction=direction)
            result.counts[prefix + status] += 1
            # The message is committed: move past it, and keep the lease alive.
            moved = Mailbox.objects.filter(pk=mailbox.pk, claimed_by=worker_id).update(
                **{uid_field: uid}, claimed_until=timezone.now() + LEASE
            )
            if not moved:
                raise RuntimeError("lost the lease on the mailbox; stopping")
            setattr(mailbox, uid_field, uid)


def mailbox_poll(
    *,
    mailbox: Mailbox,
    worker_id: str = "",
    batch: int = BATCH,
    claimed: bool = False,
    budget_seconds: float | None = None,
) -> PollResult:
    """Read new mail from the mailbox now. Never raises for IMAP or network trouble: the
    error is stored in ``last_error`` (and returned) and the next poll tries again.

    With ``budget_seconds`` (a poll from a web request) it stops between batches when the
    time is up and makes the mailbox due again at once, so the worker reads the rest."""
    worker_id = worker_id or f"poll:{socket.gethostname()}:{id(mailbox)}"
    result = PollResult()
    if not claimed and not mailbox_claim(mailbox=mailbox, worker_id=worker_id):
        result.skipped = True
        return result
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    next_at = _KEEP
    try:
        _poll(mailbox, worker_id, result, batch, deadline)
        if mailbox.is_oauth:
            from .oauth import grant_succeeded

            grant_succeeded(mailbox=mailbox)
    except Exception as exc:  # noqa: BLE001 - recorded on the mailbox
        result.error = describe_error(exc)
        if mailbox.is_oauth:
            mailbox.last_error = result.error
            next_at = _oauth_next_poll(mailbox, exc)
    now = timezone.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=now, last_error=result.error, last_counts=dict(result.counts)
    )
    mailbox.last_polled_at, mailbox.last_error = now, result.error
    mailbox.last_counts = dict(result.counts)
    mailbox_release(mailbox=mailbox, worker_id=worker_id, now=now, again=result.more,
                    next_at=next_at)
    return result


def _oauth_next_poll(mailbox: Mailbox, exc: BaseException):
    """Paused (None) while the grant needs reconnecting; else backed off."""
    from .oauth import OAuthProblem, grant_transient_failure

    if isinstance(exc, OAuthProblem) and exc.reconnect:
        return None
    return timezone.now() + grant_transient_failure(mailbox=mailbox)
