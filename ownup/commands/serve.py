"""`ownup serve`: the web app and the worker in one process (the single-machine default)."""

from __future__ import annotations

import threading

from . import UserError, setup_django


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the web app (with the worker, unless --no-worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--no-worker", action="store_true", help="web only (run `ownup worker` apart)")
    p.set_defaults(func=run)


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a TCP port (1-65535)")
    setup_django()
    from django.core.management import call_command
    from waitress import create_server

    call_command("collectstatic", interactive=False, verbosity=0)
    from ownup.wsgi import application  # after collectstatic: WhiteNoise indexes files once
    try:
        server = create_server(application, host=args.host, port=args.port,
                               threads=args.threads)
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    worker = thread = None
    if not args.no_worker:
        from ownup.worker.loop import Worker

        worker = Worker()
        thread = threading.Thread(target=worker.run_forever, name="ownup-worker", daemon=True)
        thread.start()
    print(f"ownup is serving on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if worker:
            worker.stopping.set()  # finish the batch in hand, then stop
            thread.join(timeout=15)
    return 0
