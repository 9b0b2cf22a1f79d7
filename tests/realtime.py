"""Servers the tests start run on real time, whatever clock the suite itself runs on.

`make test` also runs the suite under Debian's faketime (a Sunday night, a Monday morning, a
Wednesday afternoon), which works by ``LD_PRELOAD`` of libfaketime and ``FAKETIME*``
variables. ownup's own code and processes keep the faked clock on purpose; a third-party server
(Dovecot, nginx, an OAuth server) started with them would compute its timeouts and log times on
a clock it was never meant to see, so it gets this environment instead.
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
