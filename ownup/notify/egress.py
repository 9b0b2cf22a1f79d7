"""Where chat/webhook channels may post: public addresses only (against SSRF).

A member chooses a channel's URL, and the server posts to it (the ``test`` button, and the
worker for every notification). Without a guard that is a way to make the server reach
loopback, the private network or a cloud's metadata service. So:

- at save time the URL's host is resolved and every address it resolves to must be public
  (``url_refusal``);
- at send time every connection apprise opens is checked against the address actually
  connected to (``guarded``), after DNS resolution, so a name that resolves to a public
  address when saved and to a private one later (DNS rebinding) is refused too.

An operator can allow networks (an internal Mattermost, say) with the environment variable
``OWNUP_ALLOW_PRIVATE_WEBHOOKS`` (comma-separated CIDRs, read into
``settings.OWNUP_ALLOW_PRIVATE_WEBHOOKS``).
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

#: Inside ``guarded()``: the list the refused addresses are written to; else None.
_active: contextvars.ContextVar[list | None] = contextvars.ContextVar("ownup_egress_guard",
                                                                      default=None)


class EgressRefused(ConnectionRefusedError):
    """A connection to an address ownup does not post to."""


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False)
            for n in getattr(settings, "OWNUP_ALLOW_PRIVATE_WEBHOOKS", []) or []]


def is_public(address: str) -> bool:
    """Is this IP address one ownup may post to (public, or in an allowed network)?"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    candidates = [ip] + ([mapped] if mapped else [])
    if any(c in net for c in candidates for net in allowed_networks()):
        return True
    return all(
        c.is_global and not (c.is_multicast or c.is_reserved or c.is_loopback
                             or c.is_link_local or c.is_private or c.is_unspecified)
        for c in candidates
    )


def _host_of(url: str) -> str:
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def url_refusal(url: str) -> str:
    """Why this channel URL may not be saved ("" when it may): its host resolves to an
    address that is not public. A host that does not resolve is left to the send-time
    check (apprise URLs such as slack://… carry tokens where a host would be)."""
    host = _host_of(url)
    if not host:
        return ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ""
    blocked = sorted({info[4][0] for info in infos if not is_public(info[4][0])})
    if blocked:
        return ("This URL points to a private or internal address; ownup only posts to "
                "public addresses (an operator can allow a network with "
                "OWNUP_ALLOW_PRIVATE_WEBHOOKS).")
    return ""


@contextlib.contextmanager
def guarded():
    """Within this block, this thread's sockets connect to public addresses only; yields
    the list of addresses refused."""
    install()
    refused: list[str] = []
    token = _active.set(refused)
    try:
        yield refused
    finally:
        _active.reset(token)


def _check(sock, address) -> None:
    refused = _active.get()
    if refused is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else str(address)
        if not is_public(host):
            refused.append(host)
            raise EgressRefused(f"refused: {host} is not a public address")


_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


def _guarded_connect(self, address):
    _check(self, address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    _check(self, address)
    return _original_connect_ex(self, address)


def install() -> None:
    """Check every socket connection made inside ``guarded()`` (idempotent; the app's ready)."""
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
