"""Scale-out: two stateless web processes and two workers against one PostgreSQL.

A full flow crosses processes: a client message posted to web 1 is seen on web 2; a
password-reset mail asked on web 2 is delivered exactly once by one of the two workers to
a real SMTP server; both webs agree on every count. PostgreSQL only (SQLite is the
single-machine default, with the worker inside `ownup serve`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.smtp import free_port, smtp_server
from tests.worker.procs import stop

PG = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not PG.startswith("postgres"),
                                reason="scale-out runs against PostgreSQL")
OWNUP = [sys.executable, "-m", "ownup.cli"]


def _run(env, *args):
    result = subprocess.run([*OWNUP, *args], env=env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _wait_up(port: int, proc) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:  # refused, reset or slow to answer while starting
            time.sleep(0.3)
    raise AssertionError(f"web on {port} did not come up")


def _api(port, path, token, data=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if data is not None else "GET",
    )
    with urllib.request.urlopen(req, timeout=60) as r:  # a hang guard, not a time limit
        return json.loads(r.read())


def test_two_webs_two_workers_one_database(fresh_postgres, tmp_path):
    with smtp_server() as (inbox, email_url):
        env = {**os.environ, "DATABASE_URL": fresh_postgres, "EMAIL_URL": email_url,
               "OWNUP_VAR_DIR": str(tmp_path), "SECRET_KEY": "scale-out-test-" + "x" * 40,
               "OWNUP_PASSWORD": "long enough pass", "PYTHONUNBUFFERED": "1"}
        _run(env, "migrate")
        _run(env, "workspace", "create", "Scale Agency", "--slug", "scale")
        _run(env, "user", "create", "amy@scale.example", "--role", "owner", "--name", "Amy A")
        token = _run(env, "token", "create", "amy@scale.example").strip()

        procs = []
        try:
            ports = [free_port(), free_port()]
            for port in ports:
                procs.append(subprocess.Popen(
                    [*OWNUP, "serve", "--no-worker", "--port", str(port)], env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for _ in range(2):
                procs.append(subprocess.Popen(
                    [*OWNUP, "worker", "--interval", "0.2"], env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for port, proc in zip(ports, procs, strict=False):
                _wait_up(port, proc)

            client = _api(ports[0], "clients", token, {"name": "Acme Foods",
                                                       "email_domains": ["acme.example"]})
            for i in range(5):
                _api(ports[i % 2], "messages", token, {
                    "direction": "inbound", "channel": "email", "client": client["id"],
                    "sender": "cleo@acme.example", "subject": f"Question {i}",
                    "body_text": "Could you send the plan?"})
            seen = [_api(p, "threads?status=open", token)["count"] for p in ports]
            assert seen == [5, 5]

            # A reply sent from web 2 goes out once through a worker; web 1 sees it answered.
            thread = _api(ports[0], "threads?status=open", token)["items"][0]
            _api(ports[1], f"threads/{thread['id']}/reply", token, {
                "body": "Thanks Cleo, the plan is attached; I will call you at 3 p.m. today.",
                "answers": True, "tone_confirmed": True})
            assert _api(ports[0], "threads?status=open", token)["count"] == 4

            # A mail queued through web 2 is sent once, by whichever worker claims it.
            req = urllib.request.Request(
                f"http://127.0.0.1:{ports[1]}/password/reset/",
                data=b"email=amy%40scale.example", method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            # The reset form is CSRF-protected: fetch the token first, as a browser would.
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            page = opener.open(f"http://127.0.0.1:{ports[1]}/password/reset/").read().decode()
            csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
            req.data = f"csrfmiddlewaretoken={csrf}&email=amy%40scale.example".encode()
            req.add_header("Referer", f"http://127.0.0.1:{ports[1]}/password/reset/")
            opener.open(req).read()
            deadline = time.monotonic() + 30
            def resets():
                return [rcpt for rcpt, msg in inbox.messages
                        if "Reset your ownup password" in msg["Subject"]]

            def replies():
                return [rcpt for rcpt, _msg in inbox.messages if "cleo@acme.example" in rcpt]

            while not (resets() and replies()) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.5)  # both workers polled several times since: still one mail
            assert resets() == [["amy@scale.example"]]
            assert replies() == [["cleo@acme.example"]]
            # The weekly digest job ran in one of the two workers, once.
            digests = [m for _r, m in inbox.messages if "Weekly digest" in m["Subject"]]
            assert len(digests) <= 1
        finally:
            for proc in procs:
                stop(proc)  # once it catches SIGTERM: a worker may still be loading Python
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        # every process stopped cleanly on SIGTERM (-15 would be the default action: killed)
        assert [p.returncode for p in procs] == [0] * len(procs), [
            (p.returncode, p.stderr.read().decode()[-500:]) for p in procs]
    assert Path(tmp_path).exists()
