"""Writes for OAuth 2.0 mailboxes: connect (authorization code + PKCE), tokens, disconnect.

The OAuth client is Authlib's requests integration (``OAuth2Session``): one library for
Google, Microsoft and any standards-following provider, with PKCE, refresh and RFC 7009
revocation (docs/deployment.md says why not msal / google-auth).

Refresh tokens and access tokens are stored encrypted; an access token is refreshed when it
has less than ``REFRESH_MARGIN`` left. A refused grant (``invalid_grant`` and kin) marks the
mailbox "needs reconnecting": polling pauses, the managers are told once, the reason is kept
on the mailbox and in the audit trail. A token endpoint that is down is a passing fault:
polling backs off and tries again.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ownup.secretbox import SecretError, decrypt, encrypt

from .models import (
    AuthMethod,
    GrantStatus,
    Mailbox,
    MailboxKind,
    Mechanism,
    OAuthAttempt,
    OAuthGrant,
    Provider,
    Security,
)
from .providers import ProviderConfig, ProviderError, discover, preset, presets
from .validation import validate_mailbox

REFRESH_MARGIN = timedelta(minutes=5)
ATTEMPT_TTL = timedelta(minutes=15)
TIMEOUT = 20
MAX_BACKOFF = timedelta(hours=6)
# Token-endpoint errors that no retry can cure: the person must consent again.
RECONNECT_ERRORS = {"invalid_grant", "invalid_client", "unauthorized_client",
                    "invalid_scope", "access_denied", "consent_required",
                    "interaction_required"}


class OAuthProblem(Exception):
    """Something about the grant a person must know; ``reconnect`` when only consent helps."""

    def __init__(self, message: str, *, reconnect: bool = False, mailbox=None):
        super().__init__(message)
        self.reconnect = reconnect
        self.mailbox = mailbox


def redirect_uri() -> str:
    """The callback to register with each provider (README, docs/deployment.md)."""
    return settings.SITE_URL.rstrip("/") + reverse("mailbox_oauth_callback")


def _client(grant: OAuthGrant) -> tuple[str, str]:
    if grant.client_id:
        return grant.client_id, decrypt(grant.client_secret_encrypted)
    config = preset(grant.provider)
    return config.client_id, config.client_secret


def _session(grant: OAuthGrant, **kwargs):
    from authlib.integrations.requests_client import OAuth2Session

    client_id, client_secret = _client(grant)
    session = OAuth2Session(client_id, client_secret, scope=grant.scopes,
                            token_endpoint_auth_method="client_secret_post", **kwargs)
    session.default_timeout = TIMEOUT
    return session


def _oauth_error_text(exc) -> str:
    error = getattr(exc, "error", "") or type(exc).__name__
    description = getattr(exc, "description", "") or ""
    return f"{error}: {description}".rstrip(": ")[:300]


def _audit(action: str, mailbox: Mailbox, **detail) -> None:
    from ownup.audit.services import audit_record

    audit_record(action=action, workspace=mailbox.workspace, target=mailbox.name,
                 detail={k: v for k, v in detail.items() if v not in ("", None)})


# --- connecting ---------------------------------------------------------------------------

def _config(provider: str, *, issuer: str, scopes: str) -> ProviderConfig:
    if provider not in Provider.values:
        raise ValidationError({"provider": f"Must be one of: {', '.join(Provider.values)}."})
    if provider == Provider.OIDC:
        if not issuer:
            raise ValidationError({"issuer": "Enter the provider's issuer URL."})
        try:
            return discover(issuer, scopes=scopes)
        except ProviderError as exc:
            raise ValidationError({"issuer": str(exc)}) from None
    try:
        return preset(provider)
    except ProviderError as exc:
        raise ValidationError({"provider": str(exc)}) from None


def oauth_mailbox_create(
    *,
    workspace,
    provider: str,
    name: str,
    address: str,
    kind: str = MailboxKind.SHARED_INBOX,
    folder: str = "",
    issuer: str = "",
    client_id: str = "",
    client_secret: str = "",
    scopes: str = "",
    imap_host: str = "",
    imap_port: int | None = None,
    security: str = Security.SSL,
    mechanism: str = "",
    smtp_host: str = "",
    smtp_port: int | None = None,
    app_only: bool = False,
    poll_every_seconds: int = 120,
    user=None,
) -> tuple[Mailbox, str]:
    """Add a mailbox read with OAuth 2.0; (mailbox, the URL the person opens to consent).

    The URL is empty for Microsoft app-only access, which is connected at once with the
    operator's client credentials. The mailbox polls only once it is connected."""
    address = (address or "").strip()
    errors = {}
    try:
        validate_email(address)
    except ValidationError:
        errors["address"] = "Enter the mailbox's e-mail address."
    if provider == Provider.OIDC:
        if not client_id.strip():
            errors["client_id"] = "Enter the client id registered with the provider."
        if not client_secret.strip():
            errors["client_secret"] = "Enter the client secret."
        if not imap_host.strip():
            errors["imap_host"] = "Enter the IMAP server's host name."
    if mechanism and mechanism not in Mechanism.values:
        errors["mechanism"] = f"Must be one of: {', '.join(Mechanism.values)}."
    if app_only and provider == Provider.GOOGLE:
        errors["app_only"] = ("App-only access is for Microsoft 365 (and OpenID Connect "
                              "providers that grant client credentials).")
    if errors:
        raise ValidationError(errors)
    config = _config(provider, issuer=issuer, scopes=scopes)
    if app_only:
        config_scopes = " ".join(config.app_only_scopes)
    else:
        config_scopes = " ".join(config.scopes)
    sent = kind == MailboxKind.SENT_FOLDER
    mailbox = Mailbox(
        workspace=workspace, name=name, kind=kind, auth=AuthMethod.OAUTH, address=address,
        host=(imap_host or config.imap_host).strip(), port=imap_port or config.imap_port,
        security=security, username=address,
        folder=(folder or (config.sent_folder if sent else "") or ("Sent" if sent else "INBOX")),
        enabled=True, poll_every_seconds=poll_every_seconds, next_poll_at=None,
    )
    validate_mailbox(mailbox, None)
    with transaction.atomic():
        mailbox.save()
        OAuthGrant.objects.create(
            mailbox=mailbox, provider=provider, issuer=config.issuer,
            authorize_url=config.authorize_url, token_url=config.token_url,
            revoke_url=config.revoke_url,
            client_id=client_id.strip() if provider == Provider.OIDC else "",
            client_secret_encrypted=encrypt(client_secret.strip())
            if provider == Provider.OIDC else "",
            scopes=config_scopes, mechanism=mechanism or config.mechanism, app_only=app_only,
            smtp_host=(smtp_host or config.smtp_host).strip(),
            smtp_port=smtp_port or config.smtp_port,
            sent_folder=config.sent_folder or "Sent", files_sent=config.files_sent,
        )
        _audit("mailbox.oauth_added", mailbox, provider=provider, address=address)
    if app_only:
        oauth_app_only_connect(mailbox=mailbox, user=user)
        return mailbox, ""
    return mailbox, oauth_authorize_url(mailbox=mailbox, user=user)


def oauth_connect_again(*, mailbox: Mailbox, user=None) -> str:
    """Reconnect: a fresh consent URL, or for app-only access a new token at once ("")."""
    if OAuthGrant.objects.filter(mailbox=mailbox, app_only=True).exists():
        oauth_app_only_connect(mailbox=mailbox, user=user)
        return ""
    return oauth_authorize_url(mailbox=mailbox, user=user)


def oauth_authorize_url(*, mailbox: Mailbox, user=None) -> str:
    """A fresh consent URL (state + PKCE S256) for connecting or reconnecting the mailbox."""
    from authlib.common.security import generate_token

    grant = OAuthGrant.objects.get(mailbox=mailbox)
    state, verifier = secrets.token_urlsafe(32), generate_token(64)
    callback = redirect_uri()
    OAuthAttempt.objects.create(grant=grant, state=state, verifier_encrypted=encrypt(verifier),
                                redirect_uri=callback, started_by=user)
    params = dict(presets().get(grant.provider, {}).get("authorize_params", {}))
    session = _session(grant, redirect_uri=callback, code_challenge_method="S256")
    url, _ = session.create_authorization_url(
        grant.authorize_url, state=state, code_verifier=verifier, login_hint=mailbox.address,
        **params)
    return url


def _record_problem(grant: OAuthGrant, message: str, action: str, *, reconnect: bool):
    """Keep a failed connection's reason on the mailbox (unless a working grant stays
    connected) and in the audit trail; returns the problem to raise."""
    mailbox = grant.mailbox
    if grant.status != GrantStatus.CONNECTED or reconnect:
        if reconnect:
            grant.status = GrantStatus.NEEDS_RECONNECT
        grant.problem = message
        grant.save(update_fields=["problem", "status", "updated_at"])
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=message)
        mailbox.last_error = message
    _audit(action, mailbox, problem=message)
    return OAuthProblem(message, reconnect=reconnect, mailbox=mailbox)


def oauth_finish(*, state: str, code: str = "", error: str = "", error_description: str = "",
                 user=None) -> Mailbox:
    """The provider sent the person back: check state, exchange the code (with the PKCE
    verifier), store the tokens. Raises OAuthProblem with a message for the page."""
    from authlib.integrations.base_client.errors import OAuthError
    from requests import RequestException

    attempt = (OAuthAttempt.objects.select_related("grant__mailbox__workspace")
               .filter(state=state or "-").first())
    if attempt is None:
        from ownup.audit.services import audit_record

        audit_record(action="mailbox.oauth_state_mismatch", target=(state or "")[:12],
                     detail={"error": error[:100]} if error else {})
        raise OAuthProblem("This sign-in answer does not match any connection started here "
                           "(state mismatch). Start again from the mailbox page.")
    grant = attempt.grant
    now = timezone.now()
    if not OAuthAttempt.objects.filter(pk=attempt.pk, used_at__isnull=True).update(used_at=now):
        raise _record_problem(grant, "This sign-in answer was already used (a replay); "
                              "start again from the mailbox page.", "mailbox.oauth_failed",
                              reconnect=False)
    if attempt.created_at < now - ATTEMPT_TTL:
        raise _record_problem(grant, "The sign-in took too long; start again.",
                              "mailbox.oauth_failed", reconnect=False)
    if attempt.started_by_id and (user is None or user.pk != attempt.started_by_id):
        raise _record_problem(grant, "This sign-in was started by another person; the one "
                              "who started it must finish it.", "mailbox.oauth_failed",
                              reconnect=False)
    if error:
        reason = ("consent was denied at the provider" if error == "access_denied"
                  else f"the provider refused: {error}")
        text = f"{reason} ({error_description})" if error_description else reason
        raise _record_problem(grant, f"Not connected: {text}.", "mailbox.oauth_denied",
                              reconnect=False)
    if not code:
        raise _record_problem(grant, "The provider sent no authorization code back.",
                              "mailbox.oauth_failed", reconnect=False)
    try:
        verifier = decrypt(attempt.verifier_encrypted)
        session = _session(grant, redirect_uri=attempt.redirect_uri)
        token = session.fetch_token(grant.token_url, grant_type="authorization_code",
                                    code=code, code_verifier=verifier)
    except OAuthError as exc:
        raise _record_problem(grant, "The provider refused the authorization code "
                              f"({_oauth_error_text(exc)}); start again.",
                              "mailbox.oauth_failed", reconnect=False) from None
    except (RequestException, ProviderError, SecretError) as exc:
        raise _record_problem(grant, f"The token endpoint could not be used ({exc}); "
                              "try again later.", "mailbox.oauth_failed",
                              reconnect=False) from None
    if not token.get("refresh_token"):
        raise _record_problem(grant, "The provider gave no refresh token (offline access "
                              "was not granted); start again and allow offline access.",
                              "mailbox.oauth_failed", reconnect=False)
    with transaction.atomic():
        _store(grant, token)
        grant.status, grant.problem, grant.failures, grant.notified = (
            GrantStatus.CONNECTED, "", 0, False)
        grant.connected_at, grant.connected_by = now, user
        grant.save()
        mailbox = grant.mailbox
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error="", next_poll_at=now,
                                                     enabled=True)
        mailbox.last_error, mailbox.next_poll_at, mailbox.enabled = "", now, True
        _audit("mailbox.connected", mailbox, provider=grant.provider, address=mailbox.address)
    return mailbox


def oauth_app_only_connect(*, mailbox: Mailbox, user=None) -> Mailbox:
    """Microsoft app-only access: a token by client credentials, no person's consent."""
    grant = OAuthGrant.objects.select_related("mailbox__workspace").get(mailbox=mailbox)
    _fetch_app_only(grant)
    now = timezone.now()
    grant.status, grant.problem, grant.failures, grant.notified = (
        GrantStatus.CONNECTED, "", 0, False)
    grant.connected_at, grant.connected_by = now, user
    grant.save()
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="", next_poll_at=now)
    _audit("mailbox.connected", mailbox, provider=grant.provider, app_only="yes")
    return mailbox


def _fetch_app_only(grant: OAuthGrant) -> None:
    from authlib.integrations.base_client.errors import OAuthError
    from requests import RequestException

    try:
        token = _session(grant).fetch_token(grant.token_url, grant_type="client_credentials")
    except OAuthError as exc:
        raise _record_problem(grant, "The provider refused the app's credentials "
                              f"({_oauth_error_text(exc)}).", "mailbox.oauth_failed",
                              reconnect=True) from None
    except RequestException as exc:
        raise OAuthProblem(f"The token endpoint could not be reached ({exc}).") from None
    _store(grant, token)
    grant.save()


def _store(grant: OAuthGrant, token: dict) -> None:
    grant.access_token_encrypted = encrypt(token["access_token"])
    if token.get("refresh_token"):  # rotated by Microsoft; kept as is by Google
        grant.refresh_token_encrypted = encrypt(token["refresh_token"])
    expires_in = token.get("expires_in")
    grant.access_expires_at = (timezone.now() + timedelta(seconds=int(expires_in))
                               if expires_in else None)


# --- using the grant ---------------------------------------------------------------------

def access_token(mailbox: Mailbox, *, force_refresh: bool = False) -> str:
    """A valid access token for the mailbox, refreshed first when it is about to expire."""
    from authlib.integrations.base_client.errors import OAuthError
    from requests import RequestException

    grant = OAuthGrant.objects.select_related("mailbox__workspace").get(mailbox=mailbox)
    if grant.status != GrantStatus.CONNECTED:
        raise OAuthProblem(grant.problem or "The mailbox is not connected; connect it from the "
                           "mailbox page.", reconnect=True, mailbox=mailbox)
    if not force_refresh and _fresh(grant):
        try:
            return decrypt(grant.access_token_encrypted)
        except SecretError:
            pass  # refresh below
    refused = None
    with transaction.atomic():
        grant = OAuthGrant.objects.select_for_update().get(pk=grant.pk)
        if not force_refresh and _fresh(grant):
            return decrypt(grant.access_token_encrypted)
        try:
            if grant.app_only:
                token = _session(grant).fetch_token(grant.token_url,
                                                    grant_type="client_credentials")
            else:
                token = _session(grant).refresh_token(
                    grant.token_url, refresh_token=decrypt(grant.refresh_token_encrypted))
        except OAuthError as exc:
            if exc.error not in RECONNECT_ERRORS:
                raise OAuthProblem("The token endpoint answered with an error "
                                   f"({_oauth_error_text(exc)}); trying again later.",
                                   mailbox=mailbox) from None
            # Without row locks (SQLite) another process may have just rotated the refresh
            # token we sent: its fresh token is ours too, and the grant is fine.
            current = OAuthGrant.objects.get(pk=grant.pk)
            if (current.refresh_token_encrypted != grant.refresh_token_encrypted
                    and _fresh(current)):
                return decrypt(current.access_token_encrypted)
            refused = ("The provider refused the stored grant "
                       f"({_oauth_error_text(exc)}): it was revoked or has expired. "
                       "Reconnect the mailbox.")
        except SecretError:
            refused = ("The stored token cannot be decrypted (was OWNUP_SECRETS_KEY "
                       "changed?). Reconnect the mailbox.")
        except (RequestException, ValueError) as exc:
            raise OAuthProblem(f"The token endpoint could not be reached ({exc}); trying "
                               "again later.", mailbox=mailbox) from None
        else:
            _store(grant, token)
            grant.save(update_fields=["access_token_encrypted", "refresh_token_encrypted",
                                      "access_expires_at", "updated_at"])
            return token["access_token"]
    raise grant_needs_reconnect(mailbox=mailbox, reason=refused)


def _fresh(grant: OAuthGrant) -> bool:
    return bool(grant.access_token_encrypted and grant.access_expires_at
                and grant.access_expires_at > timezone.now() + REFRESH_MARGIN)


def grant_needs_reconnect(*, mailbox: Mailbox, reason: str) -> OAuthProblem:
    """Mark the grant unusable: polling pauses, managers are told once. Returns the problem
    to raise."""
    from ownup.accounts.models import MANAGING_ROLES, Membership
    from ownup.notify.services import notify_users

    with transaction.atomic():
        grant = OAuthGrant.objects.select_for_update().select_related(
            "mailbox__workspace").get(mailbox=mailbox)
        first = grant.status == GrantStatus.CONNECTED or not grant.notified
        grant.status, grant.problem = GrantStatus.NEEDS_RECONNECT, reason
        grant.access_token_encrypted, grant.access_expires_at = "", None
        mailbox = grant.mailbox
        Mailbox.objects.filter(pk=mailbox.pk).update(last_error=reason, next_poll_at=None)
        mailbox.last_error, mailbox.next_poll_at = reason, None
        if first:
            _audit("mailbox.needs_reconnect", mailbox, problem=reason)
        if not grant.notified:
            grant.notified = True
            managers = [m.user for m in Membership.objects.filter(
                workspace=mailbox.workspace, role__in=MANAGING_ROLES).select_related("user")]
            stamp = grant.connected_at.isoformat() if grant.connected_at else "never"
            notify_users(
                workspace=mailbox.workspace, users=managers, event="mailbox_needs_reconnect",
                key=f"mailbox-reconnect:{grant.pk}:{stamp}",
                subject=f"Mailbox {mailbox.name} needs reconnecting",
                body=f"ownup stopped reading {mailbox.address}: {reason}\n"
                     "Nothing is lost: once it is reconnected, reading resumes where it "
                     "stopped.",
                url=reverse("mailbox_list"), urgent=False, ref=str(mailbox.pk),
            )
        grant.save()
    return OAuthProblem(reason, reconnect=True, mailbox=mailbox)


def grant_transient_failure(*, mailbox: Mailbox) -> timedelta:
    """A passing fault (token endpoint down): back off; returns the delay to the next try."""
    grant = OAuthGrant.objects.select_related("mailbox__workspace").get(mailbox=mailbox)
    grant.failures += 1
    grant.save(update_fields=["failures", "updated_at"])
    if grant.failures == 1:  # the first of a run of failures; the rest only back off
        _audit("mailbox.poll_failing", grant.mailbox, problem=mailbox.last_error or "")
    delay = timedelta(seconds=mailbox.poll_every_seconds * 2 ** min(grant.failures, 12))
    return min(delay, MAX_BACKOFF)


def grant_succeeded(*, mailbox: Mailbox) -> None:
    OAuthGrant.objects.filter(mailbox=mailbox).exclude(failures=0).update(failures=0)


def oauth_disconnect(*, mailbox: Mailbox) -> str:
    """Revoke the grant at the provider (RFC 7009, where offered) and forget the tokens.

    The mailbox stays, paused, with the mail it brought in; it can be connected again."""
    from requests import RequestException

    grant = OAuthGrant.objects.select_related("mailbox__workspace").get(mailbox=mailbox)
    outcome = "no grant to revoke"
    token = ""
    try:
        token = decrypt(grant.refresh_token_encrypted or grant.access_token_encrypted)
    except SecretError:
        outcome = "the stored token could not be decrypted; remove ownup at the provider"
    if token and grant.revoke_url:
        hint = "refresh_token" if grant.refresh_token_encrypted else "access_token"
        try:
            response = _session(grant).revoke_token(grant.revoke_url, token,
                                                    token_type_hint=hint)
            outcome = ("revoked at the provider" if response.ok else
                       f"the provider answered HTTP {response.status_code} to the revocation; "
                       "remove ownup in the account's security settings")
        except (RequestException, ProviderError) as exc:
            outcome = (f"the revocation could not be sent ({type(exc).__name__}); remove "
                       "ownup in the account's security settings")
    elif token:
        outcome = ("this provider offers no revocation endpoint; remove ownup from the "
                   "account's connected apps")
    with transaction.atomic():
        grant.refresh_token_encrypted = grant.access_token_encrypted = ""
        grant.access_expires_at = None
        grant.status, grant.problem = GrantStatus.DISCONNECTED, ""
        grant.save()
        Mailbox.objects.filter(pk=mailbox.pk).update(next_poll_at=None, enabled=False,
                                                     last_error="")
        mailbox.enabled, mailbox.next_poll_at, mailbox.last_error = False, None, ""
        _audit("mailbox.disconnected", mailbox, outcome=outcome)
    return outcome
