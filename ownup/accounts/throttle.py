"""Throttling of sign-ins and password resets.

Every try takes a slot *before* the password is checked, with one conditional
``UPDATE … SET count = count + 1 WHERE count < limit`` per key: the database serialises the
updates on the row, so thirty parallel tries check at most the limit of passwords. A
successful sign-in gives its slots back. Keys, per 15-minute window:

- the account (from every address): ``MAX_PER_ACCOUNT`` tries;
- the address and the account together: ``MAX_PER_ADDRESS_ACCOUNT`` tries;
- the address alone (any account): the gentler ``MAX_PER_ADDRESS`` — an office behind one
  address where people mistype is not locked out by its neighbours.

The check lives in the authentication backend, so every form that signs in with a password
(``/login/``, ``/admin/login/``) is throttled the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from .models import AttemptCounter

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 10
MAX_PER_ADDRESS_ACCOUNT = 5
MAX_PER_ADDRESS = 100

RESET_WINDOW = timedelta(hours=1)
MAX_RESETS_PER_ACCOUNT = 3
MAX_RESETS_PER_ADDRESS = 10


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    window: timedelta


class Locked(Exception):
    """A try was refused: ``left`` is how long the lock still lasts."""

    def __init__(self, left: timedelta):
        super().__init__(f"locked for {left}")
        self.left = left


def take_slot(limit: Limit, *, now=None) -> timedelta | None:
    """Use one try of ``limit``'s key; None when allowed, else how long it stays refused.
    One conditional UPDATE: never more than ``limit.limit`` tries per window, in parallel too."""
    now = now or timezone.now()
    expired = Q(window_start__lte=now - limit.window)
    AttemptCounter.objects.bulk_create(
        [AttemptCounter(key=limit.key, window_start=now, count=0)], ignore_conflicts=True
    )
    taken = AttemptCounter.objects.filter(Q(key=limit.key) & (expired | Q(count__lt=limit.limit))
                                          ).update(
        count=Case(When(expired, then=Value(1)), default=F("count") + 1),
        window_start=Case(When(expired, then=Value(now)), default=F("window_start")),
    )
    if taken:
        return None
    start = AttemptCounter.objects.filter(key=limit.key).values_list("window_start",
                                                                      flat=True).first()
    return max(timedelta(seconds=1), (start or now) + limit.window - now)


def give_back(key: str, *, reset: bool = False) -> None:
    """Return one slot of ``key`` (or all of them) after a try that succeeded."""
    counters = AttemptCounter.objects.filter(key=key)
    if reset:
        counters.update(count=0)
    else:
        counters.filter(count__gt=0).update(count=F("count") - 1)


def _norm(email: str) -> str:
    return (email or "").strip().lower()[:300]


def sign_in_limits(*, email: str, ip: str | None) -> list[Limit]:
    email = _norm(email)
    limits = [Limit(f"signin:account:{email}", MAX_PER_ACCOUNT, WINDOW)]
    if ip:
        limits += [Limit(f"signin:address-account:{ip}:{email}", MAX_PER_ADDRESS_ACCOUNT, WINDOW),
                   Limit(f"signin:address:{ip}", MAX_PER_ADDRESS, WINDOW)]
    return limits


def _take_all(limits: list[Limit]) -> None:
    """Take a slot of every limit in one transaction; raise Locked (taking none) if any is
    used up."""
    with transaction.atomic():
        for limit in limits:
            left = take_slot(limit)
            if left is not None:
                transaction.set_rollback(True)
                raise Locked(left)


def sign_in_begin(*, email: str, ip: str | None) -> None:
    """Reserve one sign-in try for this account from this address, or raise Locked."""
    _take_all(sign_in_limits(email=email, ip=ip))


def sign_in_succeeded(*, email: str, ip: str | None) -> None:
    """A right password: the account's tries are counted from zero again."""
    for limit in sign_in_limits(email=email, ip=ip):
        give_back(limit.key, reset=not limit.key.startswith("signin:address:"))


def password_reset_begin(*, email: str, ip: str | None) -> bool:
    """May a reset mail be sent for this account? Raises Locked when the address has asked
    too often; returns False (send nothing, say nothing) when the account has."""
    if ip:
        _take_all([Limit(f"reset:address:{ip}", MAX_RESETS_PER_ADDRESS, RESET_WINDOW)])
    try:
        _take_all([Limit(f"reset:account:{_norm(email)}", MAX_RESETS_PER_ACCOUNT, RESET_WINDOW)])
    except Locked:
        return False
    return True


def minutes_text(left: timedelta) -> str:
    from math import ceil

    minutes = max(1, ceil(left.total_seconds() / 60))
    return f"{minutes} more minute{'s' if minutes != 1 else ''}"


def prune_expired(now=None) -> int:
    """Delete the counters whose window ended (they would start afresh anyway)."""
    now = now or timezone.now()
    longest = max(WINDOW, RESET_WINDOW)
    return AttemptCounter.objects.filter(window_start__lte=now - longest).delete()[0]
