"""OAuth 2.0 mail providers: the presets in ``providers.toml`` plus the operator's client.

Google and Microsoft 365 use the operator's application (client id and secret from the
environment: ``OWNUP_GOOGLE_CLIENT_ID`` …); without it the provider is "not configured" and
the UI says so. Any other provider is found from its issuer URL by OpenID Connect discovery
(or RFC 8414 authorization-server metadata), with a client id and secret per mailbox.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

TIMEOUT = 20


class ProviderError(Exception):
    """A provider cannot be used: not configured, or its issuer gave no usable metadata."""


@dataclass(frozen=True)
class ProviderConfig:
    key: str
    label: str
    authorize_url: str
    token_url: str
    revoke_url: str
    scopes: tuple[str, ...]
    client_id: str = ""
    client_secret: str = ""
    authorize_params: dict = field(default_factory=dict)
    app_only_scopes: tuple[str, ...] = ()
    imap_host: str = ""
    imap_port: int = 993
    smtp_host: str = ""
    smtp_port: int = 587
    mechanism: str = "xoauth2"
    sent_folder: str = ""
    files_sent: bool = False
    issuer: str = ""


@lru_cache(maxsize=1)
def presets() -> dict[str, dict]:
    return tomllib.loads((Path(__file__).with_name("providers.toml")).read_text())


def missing_settings(key: str) -> list[str]:
    """The environment variables a preset still needs (empty when it is configured)."""
    preset = presets()[key]
    return [name for name in (preset["env_client_id"], preset["env_client_secret"])
            if not os.environ.get(name, "").strip()]


def is_configured(key: str) -> bool:
    return not missing_settings(key)


def preset(key: str) -> ProviderConfig:
    """A preset with the operator's client; ProviderError when the variables are missing."""
    if key not in presets():
        raise ProviderError(f"unknown provider {key!r}")
    raw = presets()[key]
    missing = missing_settings(key)
    if missing:
        raise ProviderError(f"{raw['label']} is not configured on this server: the operator "
                            f"sets {' and '.join(missing)} (see the README)")
    tenant = os.environ.get(raw.get("env_tenant", ""), "").strip() or raw.get(
        "default_tenant", "")

    def url(value: str) -> str:
        return value.replace("{tenant}", tenant)

    return ProviderConfig(
        key=key, label=raw["label"], authorize_url=url(raw["authorize_url"]),
        token_url=url(raw["token_url"]), revoke_url=url(raw.get("revoke_url", "")),
        scopes=tuple(raw["scopes"]), client_id=os.environ[raw["env_client_id"]].strip(),
        client_secret=os.environ[raw["env_client_secret"]].strip(),
        authorize_params=dict(raw.get("authorize_params", {})),
        app_only_scopes=tuple(raw.get("app_only_scopes", ())),
        imap_host=raw["imap_host"], imap_port=raw["imap_port"], smtp_host=raw["smtp_host"],
        smtp_port=raw["smtp_port"], mechanism=raw["mechanism"],
        sent_folder=raw["sent_folder"], files_sent=raw["files_sent"],
    )


def _checked_url(value: str, what: str) -> str:
    parsed = urlparse(value or "")
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise ProviderError(f"the issuer's {what} is not a web address: {value!r}")
    return value


def discover(issuer: str, *, scopes: str = "") -> ProviderConfig:
    """An OpenID Connect / OAuth 2.0 provider's endpoints from its issuer URL."""
    import requests

    issuer = (issuer or "").strip().rstrip("/")
    _checked_url(issuer, "URL")
    document = None
    problems = []
    for suffix in ("/.well-known/openid-configuration",
                   "/.well-known/oauth-authorization-server"):
        try:
            response = requests.get(issuer + suffix, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise ProviderError(f"the issuer {issuer} could not be reached: "
                                f"{type(exc).__name__}") from None
        if response.ok:
            try:
                document = response.json()
            except ValueError:
                problems.append(f"{suffix}: not JSON")
                continue
            break
        problems.append(f"{suffix}: HTTP {response.status_code}")
    if not isinstance(document, dict):
        raise ProviderError(f"no OpenID Connect or OAuth 2.0 metadata at {issuer} "
                            f"({'; '.join(problems)})")
    for name in ("authorization_endpoint", "token_endpoint"):
        if not document.get(name):
            raise ProviderError(f"the issuer's metadata has no {name}")
    methods = document.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise ProviderError("the issuer does not support PKCE with S256")
    wanted = tuple((scopes or "").split()) or ("openid", "email", "offline_access")
    return ProviderConfig(
        key="oidc", label=issuer,
        authorize_url=_checked_url(document["authorization_endpoint"], "authorization endpoint"),
        token_url=_checked_url(document["token_endpoint"], "token endpoint"),
        revoke_url=document.get("revocation_endpoint") or "",
        scopes=wanted, issuer=document.get("issuer") or issuer,
    )
