"""A real IMAP server for tests: Debian's Dovecot on a free loopback port.

Started as the current user with a throwaway configuration (plaintext auth on loopback,
passwd-file users, Maildir storage) under a temporary directory, stopped afterwards.
When run as root, Dovecot's own unprivileged users own the mail (it refuses uid 0).

    with dovecot_server() as server:
        account = server.add_account()          # a fresh user with an empty INBOX
        account.append(raw_bytes)               # deliver a message over IMAP
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.realtime import real_time_env

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "s3cret-pass"
ACCOUNTS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ImapAccount:
    server: DovecotServer
    username: str
    password: str

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.server.port

    def connect(self):
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        with self.connect() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in raws:
                client.append(folder, raw)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self.connect() as client:
            return client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]

    def recreate(self, folder: str) -> None:
        """Delete and create ``folder`` again: a new UIDVALIDITY, UIDs restart at 1."""
        with self.connect() as client:
            if client.folder_exists(folder):
                client.delete_folder(folder)
            client.create_folder(folder)


class DovecotServer:
    def __init__(self, root: Path, oauth_url: str = ""):
        self.root = root
        # With an authorization server's URL, XOAUTH2 and OAUTHBEARER logins are checked by
        # Dovecot's oauth2 passdb (RFC 7662 introspection); users are then e-mail addresses.
        self.oauth_url = oauth_url
        self.port = free_port()
        self.passwd = root / "passwd"
        self.mail = root / "mail"
        self.process: subprocess.Popen | None = None
        if os.getuid() == 0:
            owner = pwd.getpwnam("dovecot")
            self.uid, self.gid = owner.pw_uid, owner.pw_gid
            self.internal_user, self.login_user = "dovecot", "dovenull"
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            name = pwd.getpwuid(self.uid).pw_name
            self.internal_user = self.login_user = name

    def _oauth_config(self) -> str:
        if not self.oauth_url:
            return ""
        from tests.oauth_server import RESOURCE_CLIENT

        ext = self.root / "oauth2.conf.ext"
        host = self.oauth_url.split("://", 1)[1]
        ext.write_text(
            "introspection_mode = post\n"
            f"introspection_url = http://{RESOURCE_CLIENT[0]}:{RESOURCE_CLIENT[1]}@{host}"
            "/introspect\n"
            "force_introspection = yes\nusername_attribute = username\n"
            "username_format = %u\nactive_attribute = active\nactive_value = true\n"
        )
        ext.chmod(0o644)
        return f"""
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {ext}
}}
"""

    def _config(self) -> str:
        r = self.root
        mechanisms = "plain login xoauth2 oauthbearer" if self.oauth_url else "plain login"
        return self._oauth_config() + f"""
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
instance_name = ownup-test-{self.port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
default_internal_user = {self.internal_user}
default_login_user = {self.login_user}
first_valid_uid = {min(self.uid, 1)}
first_valid_gid = {min(self.gid, 1)}
mail_location = maildir:{self.mail}/%u
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def start(self) -> None:
        self.root.chmod(0o755)
        self.mail.mkdir()
        os.chown(self.mail, self.uid, self.gid)
        # Accounts are made up front: Dovecot caches the passwd-file it has read.
        domain = "@agency.test" if self.oauth_url else ""
        self.accounts = [f"u{n:03d}{uuid.uuid4().hex[:6]}{domain}" for n in range(ACCOUNTS)]
        self.passwd.write_text("".join(
            f"{name}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{self.mail / name}::\n"
            for name in self.accounts
        ))
        self.passwd.chmod(0o644)
        conf = self.root / "dovecot.conf"
        conf.write_text(self._config())
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)],
            env=real_time_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace")
                raise RuntimeError(f"dovecot exited: {err}\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not start listening\n{self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None

    def add_account(self) -> ImapAccount:
        """An unused account (an empty mailbox)."""
        return ImapAccount(server=self, username=self.accounts.pop(), password=PASSWORD)


@contextmanager
def dovecot_server(oauth_url: str = ""):
    root = Path(tempfile.mkdtemp(prefix="ownup-dovecot-"))
    server = DovecotServer(root, oauth_url=oauth_url)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def imap_server():
    if not os.path.exists(DOVECOT):
        pytest.skip("Dovecot is not installed (make system-deps installs dovecot-imapd)")
    with dovecot_server() as server:
        yield server


@pytest.fixture
def imap_account(imap_server) -> ImapAccount:
    return imap_server.add_account()
