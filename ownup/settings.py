"""ownup settings: driven by environment variables, working with none set.

DATABASE_URL      SQLite file under ./var/ by default; postgres://… for teams.
SECRET_KEY        generated once into var/secret_key when unset.
DEBUG             "1" for development pages; off by default.
ALLOWED_HOSTS     comma-separated; loopback names by default.
SITE_URL          used in links inside mail (default: the address `ownup serve` listens on,
                  else http://127.0.0.1:8000).
EMAIL_URL         where the worker delivers mail: smtp://host:port, or "console".
DEFAULT_FROM_EMAIL
OWNUP_SECRETS_KEY key for secrets stored encrypted (IMAP, SMTP, webhooks); derived
                  from SECRET_KEY when unset.
OWNUP_ALLOW_PRIVATE_WEBHOOKS  comma-separated CIDRs chat/webhook channels may post to
                  although they are not public (loopback, private, link-local…).
HTTPS             "1" behind TLS: secure cookies, redirect to https, HSTS (with
                  subdomains and preload unless HSTS_SUBDOMAINS=0 / HSTS_PRELOAD=0).
TRUSTED_PROXIES   comma-separated addresses (or networks) of the TLS proxies whose
                  X-Forwarded-Proto/-For/-Host `ownup serve` believes (none by default).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("OWNUP_VAR_DIR", Path.cwd() / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(key)
            path.chmod(0o600)
        except OSError:
            pass  # read-only checkout: a per-process key still works
        return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [f"{urlparse(SITE_URL).scheme}://{urlparse(SITE_URL).netloc}"]

INSTALLED_APPS = [
    "ownup.web",  # first: its registration/ templates replace the admin's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI locally (no CDN)
    "ownup.accounts",
    "ownup.clients",
    "ownup.policies",
    "ownup.inbox",
    "ownup.drafts",
    "ownup.incidents",
    "ownup.notify",
    "ownup.worker",
    "ownup.mailboxes",
    "ownup.postmortems",
    "ownup.learnings",
    "ownup.reports",
    "ownup.goals",
    "ownup.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ownup.web.middleware.SecurityHeadersMiddleware",
    "ownup.web.middleware.InputBoundaryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ownup.accounts.middleware.WorkspaceMiddleware",
    "ownup.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ownup.web.middleware.KeepInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ownup.urls"
WSGI_APPLICATION = "ownup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ownup.accounts.context_processors.workspace",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ownup.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked (SELECT 1) before a request reuses it: a database
        # restart, failover or PgBouncer drop costs a reconnect, not a failed request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the worker writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Every password sign-in goes through the throttle (ownup.accounts.throttle).
AUTHENTICATION_BACKENDS = ["ownup.accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "files"))
#: Files that come with client mail: larger ones keep a row (name, size) but no content.
OWNUP_ATTACHMENT_MAX_BYTES = int(os.environ.get("OWNUP_ATTACHMENT_MAX_BYTES", 25_000_000))
OWNUP_MESSAGE_ATTACHMENTS_MAX_BYTES = int(
    os.environ.get("OWNUP_MESSAGE_ATTACHMENTS_MAX_BYTES", 50_000_000))

# Every mail Django sends (password resets included) is written to the outbox table;
# the worker delivers it through EMAIL_URL. No request thread talks to an SMTP server.
EMAIL_BACKEND = "ownup.notify.backend.OutboxBackend"
EMAIL_URL = os.environ.get("EMAIL_URL", "smtp://127.0.0.1:1025")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ownup <ownup@localhost>")
#: Seconds one SMTP step may block; a claimed mail's lease is derived from it.
SMTP_TIMEOUT = float(os.environ.get("OWNUP_SMTP_TIMEOUT") or 20)
OWNUP_SECRETS_KEY = os.environ.get("OWNUP_SECRETS_KEY", "")


def _networks(name: str) -> list[str]:
    """Comma-separated CIDRs from the environment; a malformed one stops start-up."""
    import ipaddress

    from django.core.exceptions import ImproperlyConfigured

    found = []
    for item in filter(None, (p.strip() for p in os.environ.get(name, "").split(","))):
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not a network (e.g. 10.0.0.0/8)") from None
    return found


# Chat/webhook channels post to public addresses only, unless in one of these networks.
OWNUP_ALLOW_PRIVATE_WEBHOOKS = _networks("OWNUP_ALLOW_PRIVATE_WEBHOOKS")
# Seconds a report's query may run on PostgreSQL before it is cancelled (statement_timeout).
OWNUP_REPORT_TIMEOUT = float(os.environ.get("OWNUP_REPORT_TIMEOUT", "10"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if _env_bool("HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("HSTS_PRELOAD", True)

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
