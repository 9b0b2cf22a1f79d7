"""Each domain registers its queues (claimable rows) and named scheduled jobs here, in
its AppConfig.ready(); the worker only claims and dispatches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

_queues: dict[str, object] = {}
_jobs: dict[str, ScheduledJobSpec] = {}


@dataclass(frozen=True)
class ScheduledJobSpec:
    name: str
    func: Callable[[datetime], object]
    #: Given the time it last ran (or was due), the next time it is due.
    next_after: Callable[[datetime], datetime]
    #: Runs on every pass of every worker (``every=timedelta(0)``): must be idempotent.
    every_poll: bool = False


def register_queue(name: str, queue) -> None:
    _queues[name] = queue


def register_job(name: str, func, *, every: timedelta | None = None, next_after=None) -> None:
    if next_after is None:
        if every is None:
            raise ValueError("a scheduled job needs `every` or `next_after`")
        next_after = lambda last: last + every  # noqa: E731
    _jobs[name] = ScheduledJobSpec(name=name, func=func, next_after=next_after,
                                   every_poll=every is not None and not every)


def queues() -> dict[str, object]:
    return dict(_queues)


def jobs() -> dict[str, ScheduledJobSpec]:
    return dict(_jobs)
