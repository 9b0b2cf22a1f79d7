"""`ownup worker`: the background loop (reminders, escalations, outbound mail)."""

from __future__ import annotations

from . import setup_django


def register(sub) -> None:
    p = sub.add_parser("worker", help="run the background worker until stopped")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between idle polls")
    p.add_argument("--once", action="store_true", help="one pass over due work, then exit")
    p.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from ownup.worker.loop import Worker

    worker = Worker(interval=args.interval)
    if args.once:
        print(f"processed {worker.run_once()} item(s)")
        return 0
    worker.install_signal_handlers()
    worker.run_forever()
    return 0
