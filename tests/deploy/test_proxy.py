"""`HTTPS=1 ownup serve` behind a real TLS proxy (Debian's nginx on loopback, a throwaway
self-signed certificate): pages answer instead of redirecting to themselves, Django records
the client's address, and the forwarded headers are believed from TRUSTED_PROXIES only."""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from ownup import proxies
from tests.smtp import free_port
from tests.test_fresh_run import _env as fresh_env
from tests.worker.procs import stop

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OWNUP = [sys.executable, "-m", "ownup.cli"]
CLIENT, OUTSIDER, FORGED = "127.0.0.2", "127.0.0.3", "198.51.100.7"
PASSWORD = "correct horse battery"


def _certificate(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{tls_port} ssl;
    ssl_certificate {tmp}/cert.pem;
    ssl_certificate_key {tmp}/key.pem;
    location / {{
      proxy_pass http://127.0.0.1:{app_port};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


def _real_time_env(env):
    return {k: v for k, v in env.items() if k not in {"LD_PRELOAD", "FAKETIME"}}


def _wait_for(port, proc, what):
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, f"{what} stopped: {proc.stdout.read()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{what} did not come up"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    """(tls_port, app_port, sqlite path): ownup serve with HTTPS=1 behind nginx."""
    tmp_path = tmp_path_factory.mktemp("proxy")
    if not os.path.exists(NGINX):
        pytest.skip("Debian's nginx is not installed (make system-deps)")
    env = dict(fresh_env(tmp_path), HTTPS="1", TRUSTED_PROXIES="127.0.0.1",
               ALLOWED_HOSTS="127.0.0.1")
    for args in (["migrate"], ["workspace", "create", "Agency", "--slug", "agency"],
                 ["user", "create", "olive@a.example", "--password", PASSWORD]):
        r = subprocess.run(OWNUP + args, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    tls_port, app_port = free_port(), free_port()
    _certificate(tmp_path)
    (tmp_path / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp_path, tls_port=tls_port,
                                                           app_port=app_port))
    app = subprocess.Popen(OWNUP + ["serve", "--no-worker", "--port", str(app_port)],
                           env=dict(env, SITE_URL=f"https://127.0.0.1:{tls_port}"),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "nginx-error.log")],
        env=_real_time_env(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        _wait_for(app_port, app, "ownup serve")
        _wait_for(tls_port, nginx, "nginx")
        yield tls_port, app_port, tmp_path / "var" / "ownup.sqlite3"
    finally:
        nginx.terminate()
        stop(app)  # once ownup catches SIGTERM: a port that accepts is not yet a handler
        for proc in (nginx, app):
            proc.wait(timeout=20)


def _request(conn, method, path, *, cookies=None, body=None, headers=()):
    headers = dict(headers)
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(body)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        if cookies is not None:
            cookies[name] = rest.split(";")[0]
    return response, text


def _audit_addresses(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT action, ip FROM audit_auditevent").fetchall()


def test_https_behind_nginx_answers_and_records_the_clients_address(behind_nginx):
    tls_port, app_port, db = behind_nginx
    context = ssl.create_default_context(cafile=str(db.parent.parent / "cert.pem"))
    origin = f"https://127.0.0.1:{tls_port}"
    client = http.client.HTTPSConnection("127.0.0.1", tls_port, context=context, timeout=30,
                                         source_address=(CLIENT, 0))
    cookies = {}
    response, page = _request(client, "GET", "/login/", cookies=cookies)
    assert response.status == 200, (response.status, response.headers.get("Location"))
    assert "secure" in (response.headers.get("Set-Cookie") or "").lower()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # the client writes its own X-Forwarded-For: nginx appends the real address, and only
    # that last hop is believed
    response, _ = _request(
        client, "POST", "/login/", cookies=cookies,
        body={"csrfmiddlewaretoken": token, "username": "olive@a.example",
              "password": PASSWORD},
        headers={"Origin": origin, "Referer": f"{origin}/login/", "X-Forwarded-For": FORGED})
    assert response.status == 302, response.status
    response, _ = _request(client, "GET", "/", cookies=cookies)
    assert response.status == 200
    assert ("auth.login", CLIENT) in _audit_addresses(db)
    assert response.headers.get("Strict-Transport-Security")


def test_forwarded_headers_from_an_untrusted_address_are_not_believed(behind_nginx):
    tls_port, app_port, db = behind_nginx
    direct = http.client.HTTPConnection("127.0.0.1", app_port, timeout=30,
                                        source_address=(OUTSIDER, 0))
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": FORGED,
              "X-Forwarded-Host": "evil.example"}
    response, _ = _request(direct, "GET", "/login/", headers=forged)
    # plain http from an outsider: sent to https, on the host it asked for (not evil.example)
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{app_port}/login/"
    response, _ = _request(direct, "POST", "/login/", headers=forged,
                           body={"username": "olive@a.example", "password": PASSWORD})
    assert response.status == 301
    assert not [row for row in _audit_addresses(db) if row[1] == FORGED]


def _seen(address, headers, trusted="127.0.0.1, 10.1.0.0/16"):
    environ = {"REMOTE_ADDR": address, "wsgi.url_scheme": "http", "HTTP_HOST": "app:8000",
               **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}}
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b""]

    proxies.behind_proxies(app, proxies.parse(trusted))(environ, lambda *a: None)
    return seen["REMOTE_ADDR"], seen["wsgi.url_scheme"], seen["HTTP_HOST"], \
        seen.get("HTTP_X_FORWARDED_FOR")


def test_each_trusted_proxy_is_believed_and_no_other_peer():
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"{FORGED}, 192.0.2.4",
                 "X-Forwarded-Host": "ownup.example"}
    believed = ("192.0.2.4", "https", "ownup.example", "192.0.2.4")
    assert _seen("127.0.0.1", forwarded) == believed
    assert _seen("10.1.7.9", forwarded) == believed
    assert _seen("10.2.0.1", forwarded) == ("10.2.0.1", "http", "app:8000", None)
    assert _seen("127.0.0.1", forwarded, trusted="") == ("127.0.0.1", "http", "app:8000", None)


def test_serve_refuses_bad_trusted_proxies_and_https_without_them(monkeypatch, capsys):
    from ownup.cli import main

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, proxy.example")
    assert main(["serve", "--port", str(free_port())]) == 2
    assert "'proxy.example' is not an IP address" in capsys.readouterr().err
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    monkeypatch.setenv("HTTPS", "1")
    assert main(["serve", "--port", str(free_port())]) == 2
    assert "HTTPS=1 needs TRUSTED_PROXIES" in capsys.readouterr().err
