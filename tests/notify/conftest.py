import json
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Receiver:
    def __init__(self):
        self.posts = []
        self.fail = False


@pytest.fixture
def webhook(settings):
    """A local HTTP receiver for apprise's json:// webhooks: records every POST body.
    Channels post to public addresses only: the operator's setting allows loopback here."""
    settings.OWNUP_ALLOW_PRIVATE_WEBHOOKS = ["127.0.0.0/8"]
    receiver = _Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length)
            try:
                receiver.posts.append(json.loads(data or b"{}"))
            except ValueError:
                receiver.posts.append({"raw": data.decode(errors="replace")})
            self.send_response(500 if receiver.fail else 200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"json://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def listener():
    """A raw TCP listener on loopback that records every connection it accepts (it must
    receive nothing when a channel points at it without the operator's setting)."""
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            accepted.append(conn.recv(4096))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield types.SimpleNamespace(accepted=accepted, port=srv.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        srv.close()


@pytest.fixture
def at_work(owner, director, member):
    """Everyone works around the clock, so nothing is held by quiet hours."""
    from ownup.accounts.models import Profile

    Profile.objects.filter(user__in=[owner, director, member]).update(
        work_start="00:00", work_end="23:59:59", work_days="1234567")
    for u in (owner, director, member):
        u.refresh_from_db()
