"""Scan marks for the time-based scans that live in the apps owning the data (inbox/jobs.py,
incidents/jobs.py, reports/digest.py): each finds what crossed a notification time since
the last pass and hands notify what to send.

Each scan keeps a mark (``ScanMark``) of how far it has looked and, every pass, looks at
the window (mark - overlap, now]. Keys name the event and the deadline, so a scan that runs
twice, or two workers scanning the same window, notify nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from .models import ScanMark

log = logging.getLogger("ownup.notify")

#: How far back a scan looks the first time it runs.
FIRST_LOOKBACK = timedelta(days=1)
#: Re-scan a little of the last window, in case a row committed just after the last pass
#: (keys dedupe). Small: every row it re-finds is offered again.
OVERLAP = timedelta(seconds=2)


def window(name: str, now: datetime) -> tuple[datetime, ScanMark]:
    mark = ScanMark.objects.filter(name=name).first()
    if mark is None:
        try:
            with transaction.atomic():
                mark = ScanMark.objects.create(name=name, upto=now - FIRST_LOOKBACK)
        except IntegrityError:
            mark = ScanMark.objects.get(name=name)
    return min(mark.upto - OVERLAP, now), mark


#: An idle scan moves its mark at most this often (an idle poll then writes nothing); the
#: next window is at most this much wider, and keys make re-found rows harmless.
MARK_EVERY = timedelta(seconds=5)


def advance(mark: ScanMark, now: datetime, *, found: bool = True) -> None:
    """Move the mark forward (never back: a slower worker does not undo a faster one)."""
    if found or now - mark.upto >= MARK_EVERY:
        ScanMark.objects.filter(pk=mark.pk, upto__lt=now).update(upto=now)


def url_for(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def workspace_now(workspace, now):
    """``now`` on the workspace's wall clock (UTC when its timezone is unknown)."""
    import zoneinfo

    try:
        return now.astimezone(zoneinfo.ZoneInfo(workspace.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now
