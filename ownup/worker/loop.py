"""The worker loop: claim due rows from every registered queue and run due scheduled
jobs; sleep ``interval`` when there was nothing to do. SIGTERM finishes the batch in
hand and exits."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

from django.db import close_old_connections
from django.utils import timezone

from . import registry, schedule

log = logging.getLogger("ownup.worker")


class Worker:
    def __init__(self, *, interval: float = 1.0, batch: int = 50, worker_id: str | None = None,
                 queues: list[str] | None = None):
        self.interval = interval
        self.batch = batch
        #: Only these queues (None: all). Scheduled jobs always run.
        self.only = set(queues) if queues else None
        self.worker_id = worker_id or (
            f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        )
        self.stopping = threading.Event()

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())

    def run_once(self) -> int:
        """One pass over every queue and job; returns how many items it processed."""
        done = 0
        for name, queue in registry.queues().items():
            if self.only is not None and name not in self.only:
                continue
            if self.stopping.is_set():
                break
            try:
                rows = queue.claim(worker_id=self.worker_id, now=timezone.now(), limit=self.batch)
                if rows:
                    done += queue.process(rows)
            except Exception:  # one queue's failure must not stop the others
                log.exception("queue %s failed", name)
        if not self.stopping.is_set():
            done += schedule.run_due_jobs(worker_id=self.worker_id, now=timezone.now())
        return done

    #: Longest step of an idle pause: how long a stop may wait to be noticed.
    IDLE_STEP = 0.05

    def idle(self) -> None:
        """Pause ``interval`` seconds, or until asked to stop. In short ``time.sleep`` steps,
        not ``self.stopping.wait(interval)``: under libfaketime (the any-day suite,
        tests/realtime.py) a timed wait of Python's threading never returns (the faked
        CLOCK_MONOTONIC is not applied to glibc's sem_clockwait), so an idle worker slept for
        good while mail came due; sleeping works on both clocks."""
        end = time.monotonic() + self.interval
        while not self.stopping.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, self.IDLE_STEP))

    def run_forever(self) -> None:
        log.info("worker %s started", self.worker_id)
        while not self.stopping.is_set():
            close_old_connections()
            try:
                done = self.run_once()
            except Exception:  # e.g. database down: wait and try again
                log.exception("worker pass failed")
                done = 0
            if not done:
                self.idle()
        close_old_connections()
        log.info("worker %s stopped", self.worker_id)
