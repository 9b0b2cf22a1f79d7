"""`ownup worker`: the background loop (reminders, escalations, outbound mail)."""

from __future__ import annotations

from . import UserError, setup_django


def register(sub) -> None:
    p = sub.add_parser("worker", help="run the background worker until stopped")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between idle polls")
    p.add_argument("--batch", type=int, default=50, help="rows claimed per queue per pass")
    p.add_argument("--queue", action="append", dest="queues", metavar="NAME",
                   help="work only this queue (repeatable; default: all), e.g. outbox")
    p.add_argument("--once", action="store_true", help="one pass over due work, then exit")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.interval <= 0 or args.batch < 1:
        raise UserError("--interval must be above 0 and --batch at least 1")
    import signal
    import threading

    stopping = threading.Event()
    if not args.once:  # a stop asked for while Django is still loading is honoured too
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
    setup_django()
    from ownup.worker.loop import Worker
    from ownup.worker.registry import queues

    unknown = sorted(set(args.queues or ()) - set(queues()))
    if unknown:
        raise UserError(f"no queue named {', '.join(unknown)} (queues: {', '.join(queues())})")
    worker = Worker(interval=args.interval, batch=args.batch, queues=args.queues)
    if args.once:
        print(f"processed {worker.run_once()} item(s)")
        return 0
    worker.stopping = stopping
    worker.run_forever()
    return 0
