"""A real OAuth 2.0 authorization server for tests: Authlib's, served by Flask on loopback.

Authorization code with PKCE (S256, required), refresh tokens (rotated, as Microsoft does),
client credentials (app-only access), revocation (RFC 7009), introspection (RFC 7662) and
an OpenID discovery document. Storage is in memory. It runs in its own process
(``python tests/oauth_server.py PORT``); the fixture drives it over HTTP:

    with oauth_server() as server:
        server.add_client("ownup", "secret", ["http://127.0.0.1:8000/cb"])
        location = server.consent(authorization_url, user="a@x.test")  # clicks "Allow"
        server.revoke_user("a@x.test")          # the user removes the app at the provider
        server.set_token_endpoint(down=True)     # the token endpoint answers 503

Dovecot (tests/imap.py) and the tests' SMTP server validate bearer tokens by POSTing them
to ``/introspect`` as the resource-server client ``RESOURCE_CLIENT``.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape

RESOURCE_CLIENT = ("mailserver", "mailserver-secret")

# --- the server process -----------------------------------------------------------------


def build_app():  # pragma: no cover - runs in the server process
    from authlib.integrations.flask_oauth2 import AuthorizationServer
    from authlib.oauth2.rfc6749 import grants
    from authlib.oauth2.rfc6749.errors import AccessDeniedError
    from authlib.oauth2.rfc7009 import RevocationEndpoint
    from authlib.oauth2.rfc7636 import CodeChallenge
    from authlib.oauth2.rfc7662 import IntrospectionEndpoint
    from flask import Flask, jsonify, request

    lock = threading.Lock()
    state = {"clients": {}, "codes": {}, "tokens": [], "down": False, "expires_in": 3600,
             "log": [], "delegates": {}}

    @dataclass
    class Client:
        client_id: str
        client_secret: str
        redirect_uris: list[str]
        scope: str = ""
        # App-only access: the mailbox an administrator let this app open (as Exchange's
        # Add-MailboxPermission does for a service principal); its tokens act for it.
        app_user: str = ""

        def get_client_id(self):
            return self.client_id

        def get_default_redirect_uri(self):
            return self.redirect_uris[0] if self.redirect_uris else None

        def get_allowed_scope(self, scope):
            return scope or ""

        def check_redirect_uri(self, redirect_uri):
            return redirect_uri in self.redirect_uris

        def check_client_secret(self, client_secret):
            return secrets.compare_digest(client_secret, self.client_secret)

        def check_endpoint_auth_method(self, method, endpoint):
            return method in ("client_secret_basic", "client_secret_post")

        def check_response_type(self, response_type):
            return response_type == "code"

        def check_grant_type(self, grant_type):
            return grant_type in ("authorization_code", "refresh_token", "client_credentials")

    @dataclass
    class Code:
        code: str
        client_id: str
        redirect_uri: str
        scope: str
        user: str
        code_challenge: str
        code_challenge_method: str
        created: float = field(default_factory=time.time)

        def get_redirect_uri(self):
            return self.redirect_uri

        def get_scope(self):
            return self.scope

    @dataclass
    class Token:
        client_id: str
        user: str | None
        scope: str
        access_token: str
        refresh_token: str | None
        expires_in: int
        issued_at: float = field(default_factory=time.time)
        revoked: bool = False

        def check_client(self, client):
            return client.client_id == self.client_id

        def get_scope(self):
            return self.scope

        def get_expires_in(self):
            return self.expires_in

        def is_expired(self):
            return time.time() >= self.issued_at + self.expires_in

        def is_revoked(self):
            return self.revoked

        def get_user(self):
            return self.user

        def get_client(self):
            return state["clients"].get(self.client_id)

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, request):
            data = request.payload.data
            with lock:
                state["codes"][code] = Code(
                    code=code, client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri or "", scope=request.payload.scope,
                    user=request.user, code_challenge=data.get("code_challenge", ""),
                    code_challenge_method=data.get("code_challenge_method", ""))

        def query_authorization_code(self, code, client):
            item = state["codes"].get(code)
            if item and item.client_id == client.client_id and time.time() - item.created < 600:
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            with lock:  # a code works once: a replay finds nothing (invalid_grant)
                state["codes"].pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class RefreshGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token):
            for token in state["tokens"]:
                if token.refresh_token == refresh_token and not token.revoked:
                    return token
            return None

        def authenticate_user(self, refresh_token):
            return refresh_token.user

        def revoke_old_credential(self, refresh_token):
            refresh_token.revoked = True

    class AppOnlyGrant(grants.ClientCredentialsGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def find(token_string, hint=None):
        for token in state["tokens"]:
            if token_string in (token.access_token, token.refresh_token):
                return token
        return None

    class Revocation(RevocationEndpoint):
        def query_token(self, token_string, token_type_hint):
            return find(token_string)

        def revoke_token(self, token, request):
            token.revoked = True  # the grant goes: access and refresh token alike
            state["log"].append(("revoked", token.user, token.client_id))

    class Introspection(IntrospectionEndpoint):
        def query_token(self, token_string, token_type_hint):
            return find(token_string)

        def check_permission(self, token, client, request):
            return client.client_id in (RESOURCE_CLIENT[0], token.client_id)

        def introspect_token(self, token):
            return {"active": True, "client_id": token.client_id, "token_type": "Bearer",
                    "username": token.user, "sub": token.user, "scope": token.scope,
                    "iat": int(token.issued_at), "exp": int(token.issued_at + token.expires_in)}

    state["clients"][RESOURCE_CLIENT[0]] = Client(*RESOURCE_CLIENT, [])
    app = Flask("ownup-test-oauth")

    def query_client(client_id):
        return state["clients"].get(client_id)

    def save_token(token, request):
        user = request.user or (request.client.app_user if token.get("refresh_token") is None
                                else None)
        with lock:
            state["tokens"].append(Token(
                client_id=request.client.client_id, user=user or None,
                scope=token.get("scope", ""), access_token=token["access_token"],
                refresh_token=token.get("refresh_token"), expires_in=token["expires_in"]))
            state["log"].append(("issued", user, request.client.client_id))

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_token_generator("default", _token_generator(state))
    server.register_grant(CodeGrant, [CodeChallenge(required=True)])
    server.register_grant(RefreshGrant)
    server.register_grant(AppOnlyGrant)
    server.register_endpoint(Revocation)
    server.register_endpoint(Introspection)

    @app.route("/.well-known/openid-configuration")
    def discovery():
        base = request.host_url.rstrip("/")
        return jsonify({
            "issuer": base, "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token", "revocation_endpoint": f"{base}/revoke",
            "introspection_endpoint": f"{base}/introspect",
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token",
                                      "client_credentials"],
        })

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        if request.method == "GET":
            try:
                grant = server.get_consent_grant(end_user=None)
            except Exception as exc:  # noqa: BLE001 - shown on the page
                return f"<h1>Bad request</h1><p>{escape(str(exc))}</p>", 400
            hint = request.args.get("login_hint", "")
            client = grant.client.client_id
            return (
                "<!doctype html><title>Sign in and consent</title>"
                f"<h1>{escape(client)} wants to read and send your mail</h1>"
                f"<p>Scopes: {escape(grant.request.payload.scope or '')}</p>"
                "<form method=post>"
                f"<label>Account <input name=user value='{escape(hint)}'></label>"
                "<button name=action value=allow>Allow</button>"
                "<button name=action value=deny>Deny</button></form>"
            )
        user = request.form.get("user", "").strip()
        if request.form.get("action") != "allow" or not user:
            return server.create_authorization_response(grant_user=None)
        # A shared mailbox (the login hint) opened by a person with access to it, as
        # Exchange's Full Access delegation: the token acts for the shared mailbox.
        hint = request.args.get("login_hint", "")
        if hint and user in state["delegates"].get(hint, ()):
            user = hint
        return server.create_authorization_response(grant_user=user)

    assert AccessDeniedError  # denied consent: Authlib redirects with error=access_denied

    @app.route("/token", methods=["POST"])
    def issue_token():
        if state["down"]:
            return "token endpoint unavailable", 503
        return server.create_token_response()

    @app.route("/revoke", methods=["POST"])
    def revoke():
        return server.create_endpoint_response(Revocation.ENDPOINT_NAME)

    @app.route("/introspect", methods=["POST"])
    def introspect():
        state["log"].append(("introspected", request.form.get("token", "")[:8], ""))
        return server.create_endpoint_response(Introspection.ENDPOINT_NAME)

    # --- test controls ---
    @app.route("/admin/clients", methods=["POST"])
    def add_client():
        data = request.get_json()
        state["clients"][data["client_id"]] = Client(
            data["client_id"], data["client_secret"], data.get("redirect_uris", []),
            app_user=data.get("app_user", ""))
        return jsonify(ok=True)

    @app.route("/admin/delegate", methods=["POST"])
    def delegate():
        data = request.get_json()
        state["delegates"].setdefault(data["mailbox"], []).append(data["person"])
        return jsonify(ok=True)

    @app.route("/admin/revoke-user", methods=["POST"])
    def revoke_user():
        user = request.get_json()["user"]
        for token in state["tokens"]:
            if token.user == user:
                token.revoked = True
        return jsonify(ok=True)

    @app.route("/admin/settings", methods=["POST"])
    def settings():
        data = request.get_json()
        for key in ("down", "expires_in"):
            if key in data:
                state[key] = data[key]
        if data.get("expire_all"):
            for token in state["tokens"]:
                token.expires_in = 0
        return jsonify(ok=True)

    @app.route("/admin/log")
    def log():
        return jsonify(log=state["log"],
                       tokens=[{"user": t.user, "client_id": t.client_id, "revoked": t.revoked,
                                "expired": t.is_expired()} for t in state["tokens"]])

    return app


def _token_generator(state):  # pragma: no cover - runs in the server process
    def generate(grant_type, client, user=None, scope=None, expires_in=None,
                 include_refresh_token=True):
        token = {"token_type": "Bearer", "access_token": "at-" + secrets.token_urlsafe(24),
                 "expires_in": state["expires_in"]}
        if scope:
            token["scope"] = scope
        if include_refresh_token and grant_type != "client_credentials":
            token["refresh_token"] = "rt-" + secrets.token_urlsafe(32)
        return token

    return generate


def main() -> None:  # pragma: no cover - the server process
    from werkzeug.serving import make_server

    port = int(sys.argv[1])
    httpd = make_server("127.0.0.1", port, build_app(), threaded=True)
    print("ready", flush=True)
    httpd.serve_forever()


# --- the tests' side -----------------------------------------------------------------------


class OAuthServer:
    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from tests.realtime import real_time_env

        env = real_time_env()
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), env.get("PYTHONPATH", "")]))
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        line = self.process.stdout.readline()
        if b"ready" not in line:
            raise RuntimeError("oauth server did not start: "
                               + self.process.stderr.read().decode(errors="replace"))
        self.process.stdout.close()
        self.process.stderr.close()  # quiet request logs; nothing reads them
        import requests

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("oauth server did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        self.process = None

    def _post(self, path: str, data: dict) -> dict:
        import requests

        response = requests.post(self.url + path, json=data, timeout=10)
        response.raise_for_status()
        return response.json()

    def add_client(self, client_id: str, client_secret: str, redirect_uris: list[str],
                   app_user: str = "") -> None:
        self._post("/admin/clients", {"client_id": client_id, "client_secret": client_secret,
                                      "redirect_uris": redirect_uris, "app_user": app_user})

    def delegate(self, *, mailbox: str, person: str) -> None:
        """Let ``person`` open the shared ``mailbox`` with their own consent."""
        self._post("/admin/delegate", {"mailbox": mailbox, "person": person})

    def revoke_user(self, user: str) -> None:
        self._post("/admin/revoke-user", {"user": user})

    def set_token_endpoint(self, *, down: bool) -> None:
        self._post("/admin/settings", {"down": down})

    def expire_access_tokens(self) -> None:
        self._post("/admin/settings", {"expire_all": True})

    def set_expires_in(self, seconds: int) -> None:
        self._post("/admin/settings", {"expires_in": seconds})

    def log(self) -> dict:
        import requests

        return requests.get(self.url + "/admin/log", timeout=10).json()

    def consent(self, authorization_url: str, *, user: str, allow: bool = True) -> str:
        """Open the consent page and press Allow (or Deny); the redirect's Location."""
        import requests

        with requests.Session() as browser:
            page = browser.get(authorization_url, timeout=10)
            page.raise_for_status()
            answer = browser.post(authorization_url, data={
                "user": user, "action": "allow" if allow else "deny"},
                allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


@contextmanager
def oauth_server():
    from tests.imap import free_port

    server = OAuthServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
