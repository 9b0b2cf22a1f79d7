"""Servers the tests start run on real time, whatever clock the suite itself runs on.

`make test` also runs the suite under Debian's faketime (a Sunday night, a Monday morning, a
Wednesday afternoon), which works by ``LD_PRELOAD`` of libfaketime and ``FAKETIME*``
variables. ownup's own code and processes keep the faked clock on purpose; a third-party server
(Dovecot, nginx, an OAuth server) started with them would compute its timeouts and log times on
a clock it was never meant to see, so it gets this environment instead.

Timed waits under the faked clock: libfaketime 0.9.10 moves CLOCK_MONOTONIC to the faked
date too (``time.monotonic()`` ~1.8e9 s) and wraps ``clock_nanosleep`` (``time.sleep`` works)
but not glibc's ``sem_clockwait``, which Python 3.11 uses for every timed lock wait: a timed
``threading.Event().wait(0.2)`` waits until the real monotonic clock reaches the fake one, i.e.
for good. ``FAKETIME_DONT_FAKE_MONOTONIC=1`` mends that wait but breaks ``time.sleep``
(EINVAL), so it is no way out. ownup's worker pauses with ``time.sleep`` (worker/loop.py
``Worker.idle``); its timed ``Event.wait`` made an idle worker sleep for good, and the any-day
run at 2026-12-09 16:00 on a loaded machine timed out in
test_paused_and_killed_workers_deliver_every_mail_once (docs/deployment.md, "Mail delivery").
Code that must run under this clock waits by ``time.sleep``, never by a timed lock, Event,
Condition or ``Thread.join(timeout)``.
"""

from __future__ import annotations

import os


def real_time_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default ``os.environ``) without libfaketime's variables."""
    out = dict(os.environ if env is None else env)
    for key in [k for k in out if k.startswith("FAKETIME")]:
        del out[key]
    preload = [p for p in out.pop("LD_PRELOAD", "").split() if "faketime" not in p]
    if preload:
        out["LD_PRELOAD"] = " ".join(preload)
    return out
