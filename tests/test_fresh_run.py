"""The README's run path on a fresh database: migrate, demo, serve, /healthz answers."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.worker.procs import stop

OWNUP = [sys.executable, "-m", "ownup.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path) -> dict:
    """A fresh SQLite database under tmp_path (whatever DATABASE_URL the suite runs with)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["OWNUP_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_fresh_database_migrates_and_serves(tmp_path):
    env = _env(tmp_path)
    for args in (["migrate"], ["demo", "--if-empty"]):
        r = subprocess.run(OWNUP + args, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "var" / "ownup.sqlite3").exists()
    port = _free_port()
    server = subprocess.Popen(OWNUP + ["serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status == 200
                    assert json.load(r)["database"] == "ok"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
            assert b"Sign in to ownup" in r.read()
    finally:
        stop(server)
        server.wait(timeout=20)


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    with open(path) as fh:
        return [int(p) for p in fh.read().split()]


def test_several_web_processes_share_the_port_and_stop_together(tmp_path):
    env = _env(tmp_path)
    r = subprocess.run(OWNUP + ["migrate"], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    port = _free_port()
    server = subprocess.Popen(OWNUP + ["serve", "--port", str(port), "--processes", "3"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 60
        answered = 0
        while answered < 30:  # a new connection each time: the kernel spreads them
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    answered += r.status == 200
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        children = _children(server.pid)
        assert len(children) == 2
    finally:
        stop(server)
        server.wait(timeout=20)
    assert "(3 processes)" in server.stdout.read()
    time.sleep(0.5)
    assert not [p for p in children if os.path.exists(f"/proc/{p}")]  # none left behind


def test_serve_refuses_zero_processes(tmp_path):
    env = _env(tmp_path)
    r = subprocess.run(OWNUP + ["serve", "--processes", "0"], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "--processes and --threads must be at least 1" in r.stderr
