import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Receiver:
    def __init__(self):
        self.posts = []
        self.fail = False


@pytest.fixture
def webhook():
    """A local HTTP receiver for apprise's json:// webhooks: records every POST body."""
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
def at_work(owner, director, member):
    """Everyone works around the clock, so nothing is held by quiet hours."""
    from ownup.accounts.models import Profile

    Profile.objects.filter(user__in=[owner, director, member]).update(
        work_start="00:00", work_end="23:59:59", work_days="1234567")
    for u in (owner, director, member):
        u.refresh_from_db()
