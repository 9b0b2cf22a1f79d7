"""Keeps each thread's promises (``inbox.Promise``) in step with its clocks; the rules are the
pure ones of ``ownup.core.promises``. Called by every inbox service that moves a clock or an
owner, and by the bulk import for the threads it changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ownup.core import promises as rules

from .models import Promise, Thread, ThreadEvent, ThreadEventKind


def _handovers(thread: Thread) -> list[tuple[datetime, object, object]]:
    return _handovers_many([thread.pk]).get(thread.pk, [])


def _handovers_many(thread_ids: Iterable) -> dict[object, list[tuple[datetime, object, object]]]:
    """Each thread's owner changes (when, from user id, to user id), in order: two queries
    per chunk of threads, whatever their number."""
    events: dict[object, list[tuple[datetime, str, str]]] = {}
    for chunk in _chunks(thread_ids):
        for thread_id, at, a, b in (
            ThreadEvent.objects.filter(thread_id__in=chunk, kind=ThreadEventKind.ASSIGNED)
            .order_by("created_at", "id")
            .values_list("thread_id", "created_at", "from_value", "to_value")
        ):
            events.setdefault(thread_id, []).append((at, a, b))
    emails = {e for rows in events.values() for _, a, b in rows for e in (a, b) if e}
    users: list[tuple[str, object]] = []
    for chunk in _chunks(emails):
        users += get_user_model().objects.filter(email__in=chunk).values_list("email", "pk")
    out = {}
    for thread_id, rows in events.items():
        mine = {e for _, a, b in rows for e in (a, b) if e}
        ids = {email.lower(): pk for email, pk in users if email in mine}
        out[thread_id] = [(at, ids.get(a.lower()) if a else None,
                           ids.get(b.lower()) if b else None) for at, a, b in rows]
    return out


def _chunks(values: Iterable, size: int = 500) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def promises_sync(thread: Thread, now: datetime | None = None) -> None:
    """Upsert the promises of the thread's current clock cycle from its clock fields."""
    if thread.client_id is None or thread.clock_started_at is None:
        return
    now = now or timezone.now()
    handovers = None
    for state in _states(thread):
        when = rules.charged_at(state.due, state.met_at)
        if when is not None and when <= now:
            if handovers is None:
                handovers = _handovers(thread)
            owner = rules.owner_at(when, now, thread.owner_id, handovers)
        else:
            owner = thread.owner_id
        Promise.objects.update_or_create(
            thread=thread, kind=state.kind, cycle=thread.clock_cycle,
            defaults={"workspace_id": thread.workspace_id, "client_id": thread.client_id,
                      "cycle_started_at": state.cycle_started_at,
                      "due": state.due, "met_at": state.met_at, "owner_id": owner},
        )


_FIELDS = ["workspace_id", "client_id", "cycle_started_at", "due", "met_at", "owner_id"]


def _states(thread: Thread) -> list[rules.PromiseState]:
    return rules.promises_of(
        started_at=thread.clock_started_at, acknowledge_by=thread.acknowledge_by,
        respond_by=thread.respond_by, acknowledged_at=thread.acknowledged_at,
        answered_at=thread.answered_at, paused=thread.paused_at is not None,
    )


def promises_sync_many(threads: Iterable[Thread], now: datetime | None = None) -> None:
    """``promises_sync`` for many threads (their current cycles), with a fixed number of
    queries per chunk of threads instead of three or four per thread."""
    book = PromiseBook()
    for thread in threads:
        book.note(thread)
    book.write(now)


class PromiseBook:
    """The promises of every clock cycle threads pass through, written at once (the bulk
    import's): ``note`` after each change to a thread's clocks records the promises of its
    cycle as they stand then (a later note of the same cycle replaces them); ``write``
    upserts every noted cycle with a fixed number of queries per chunk of threads. A batch
    that moves a thread through several cycles (an answer, then a new message) keeps each
    cycle's promises, not only the last one's."""

    def __init__(self) -> None:
        self._noted: dict[tuple[int, int], tuple[Thread, int, list[rules.PromiseState]]] = {}

    def note(self, thread: Thread) -> None:
        if thread.client_id is None or thread.clock_started_at is None:
            return
        self._noted[(id(thread), thread.clock_cycle)] = (thread, thread.clock_cycle,
                                                         _states(thread))

    def __len__(self) -> int:
        return sum(len(states) for _, _, states in self._noted.values())

    def write(self, now: datetime | None = None) -> None:
        entries, self._noted = list(self._noted.values()), {}
        if entries:
            _write(entries, now or timezone.now())


def _write(entries: list[tuple[Thread, int, list[rules.PromiseState]]], now: datetime) -> None:
    """Upsert each (thread, cycle, promises) entry: one query for the handovers, one for the
    users, one for the stored promises, one insert and one update per chunk."""
    fell_due = {thread.pk for thread, _, states in entries if any(
        (when := rules.charged_at(s.due, s.met_at)) is not None and when <= now
        for s in states)}
    handovers = _handovers_many(fell_due)
    existing = _stored({thread.pk for thread, _, _ in entries})
    create: list[Promise] = []
    update: list[Promise] = []
    for thread, cycle, states in entries:
        for state in states:
            when = rules.charged_at(state.due, state.met_at)
            if when is not None and when <= now:
                owner = rules.owner_at(when, now, thread.owner_id, handovers.get(thread.pk, []))
            else:
                owner = thread.owner_id
            values = dict(zip(_FIELDS, (thread.workspace_id, thread.client_id,
                                        state.cycle_started_at, state.due, state.met_at, owner),
                              strict=True))
            promise = existing.get((thread.pk, state.kind, cycle))
            if promise is None:
                promise = Promise(thread=thread, kind=state.kind, cycle=cycle, **values)
                existing[(thread.pk, state.kind, cycle)] = promise
                create.append(promise)
            elif any(getattr(promise, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(promise, f, v)
                if promise.pk is not None:
                    update.append(promise)
    fields = [f.removesuffix("_id") for f in _FIELDS]
    # An upsert, not a plain insert: another import may have written the same cycle's
    # promise since _stored read them (two imports touching one thread at once), and a
    # plain insert would then fail the batch on the unique (thread, kind, cycle).
    Promise.objects.bulk_create(create, update_conflicts=True,
                                unique_fields=["thread", "kind", "cycle"], update_fields=fields)
    Promise.objects.bulk_update(update, fields)


def _stored(thread_ids: Iterable) -> dict[tuple, Promise]:
    """The stored promises of these threads by (thread, kind, cycle), one query a chunk."""
    existing: dict[tuple, Promise] = {}
    for chunk in _chunks(thread_ids):
        for promise in Promise.objects.filter(thread_id__in=chunk):
            existing[(promise.thread_id, promise.kind, promise.cycle)] = promise
    return existing
