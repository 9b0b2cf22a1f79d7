"""Believing a TLS proxy's X-Forwarded-Proto/-For/-Host, from the proxies named in
TRUSTED_PROXIES only.

Waitress translates the headers itself (``wsgi.url_scheme``, ``REMOTE_ADDR``, ``HTTP_HOST``)
but trusts one address; this dispatcher gives each trusted proxy (an address or a network)
waitress's own translation and every other peer waitress's clearing of the headers, so a
client that writes ``X-Forwarded-For`` itself is never believed. ``trusted_proxy_count=1``:
only the hop the proxy itself appended counts, whatever a client put before it.
"""

from __future__ import annotations

import ipaddress

from waitress.proxy_headers import proxy_headers_middleware

HEADERS = {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"}


def parse(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; ValueError names a bad entry."""
    networks = []
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an IP address or network") \
                from None
    return networks


def behind_proxies(app, networks):
    """``app`` believing the forwarded headers from ``networks`` only (and clearing them
    from every other peer)."""
    believing = proxy_headers_middleware(app, trusted_proxy="*", trusted_proxy_count=1,
                                         trusted_proxy_headers=HEADERS)
    clearing = proxy_headers_middleware(app)

    def trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            return False
        return any(ip in network for network in networks)

    def dispatch(environ, start_response):
        handler = believing if trusted(environ.get("REMOTE_ADDR", "")) else clearing
        return handler(environ, start_response)

    return dispatch
