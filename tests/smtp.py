"""A real SMTP server on loopback (aiosmtpd) that records what it receives."""

from __future__ import annotations

import asyncio
import socket
from contextlib import contextmanager
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, delay: float = 0):
        self.messages = []
        self.delay = delay  # seconds each mail takes before the server's 250

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(delay: float = 0, recorder: Recorder | None = None):
    recorder = recorder or Recorder(delay)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


class OAuthRecorder(Recorder):
    """Accepts AUTH XOAUTH2 only, checking the bearer token by RFC 7662 introspection at the
    tests' authorization server; the envelope sender must be the authenticated user."""

    def __init__(self, introspection_url: str, resource_client: tuple[str, str]):
        super().__init__()
        self.introspection_url = introspection_url
        self.resource_client = resource_client
        self.logins = []

    async def auth_XOAUTH2(self, server, args):  # noqa: N802 (aiosmtpd's name)
        import base64

        import requests
        from aiosmtpd.smtp import AuthResult

        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        fields = dict(part.split("=", 1) for part in
                      base64.b64decode(args[1]).decode().split("\x01") if "=" in part)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        answer = requests.post(self.introspection_url, data={"token": token},
                               auth=self.resource_client, timeout=10).json()
        ok = answer.get("active") is True and answer.get("username") == user
        self.logins.append((user, ok))
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if session.auth_data and address.lower() != str(session.auth_data).lower():
            return "553 5.7.1 Sender address is not the authenticated user"
        envelope.mail_from = address
        return "250 OK"


@contextmanager
def oauth_smtp_server(oauth_url: str):
    from tests.oauth_server import RESOURCE_CLIENT

    recorder = OAuthRecorder(oauth_url + "/introspect", RESOURCE_CLIENT)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, auth_required=True,
                            auth_require_tls=False, auth_exclude_mechanism=["PLAIN", "LOGIN"])
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()
