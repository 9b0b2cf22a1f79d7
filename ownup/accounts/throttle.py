"""Sign-in throttling: too many failed sign-ins lock the account (and a noisy address)
for a while. Failures are the audit trail's ``auth.login_failed`` events, so every web
process sees the same count."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 30


def lockout_left(*, email: str, ip: str | None, now=None) -> timedelta | None:
    """How long sign-in stays refused for this account or address, or None if it is allowed."""
    from ownup.audit.models import AuditEvent

    now = now or timezone.now()
    since = now - WINDOW
    email = (email or "").strip().lower()
    last_ok = (
        AuditEvent.objects.filter(action="auth.login", target=email, created_at__gte=since)
        .order_by("-created_at").values_list("created_at", flat=True).first()
    )
    failures = list(
        AuditEvent.objects.filter(
            action="auth.login_failed", target=email, created_at__gte=max(since, last_ok or since)
        ).order_by("-created_at").values_list("created_at", flat=True)[:MAX_PER_ACCOUNT]
    )
    if email and len(failures) >= MAX_PER_ACCOUNT:
        return failures[-1] + WINDOW - now
    if ip:
        by_ip = list(
            AuditEvent.objects.filter(action="auth.login_failed", ip=ip, created_at__gte=since)
            .order_by("-created_at").values_list("created_at", flat=True)[:MAX_PER_ADDRESS]
        )
        if len(by_ip) >= MAX_PER_ADDRESS:
            return by_ip[-1] + WINDOW - now
    return None
