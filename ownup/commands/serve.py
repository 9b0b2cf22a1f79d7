"""`ownup serve`: the web app and the worker in one process (the single-machine default).

``--processes N`` forks N web processes, each listening on the port with SO_REUSEPORT (the
kernel spreads connections evenly over them; with one shared socket, whichever process
woke first took most keep-alive connections): Python runs one thread at a time per process,
so on a machine with several cores one process cannot use them. The worker runs in the first
process only; the others are plain web processes, stateless like any in a scale-out
deployment. Stopping the first process (Ctrl-C, SIGTERM) stops them all.
"""

from __future__ import annotations

import os
import signal
import socket
import threading

from . import UserError, setup_django


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the web app (with the worker, unless --no-worker)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")
    p.add_argument("--processes", type=int, default=1,
                   help="web processes sharing the port (default 1; try the number of cores)")
    p.add_argument("--no-worker", action="store_true", help="web only (run `ownup worker` apart)")
    p.set_defaults(func=run)


def served_url(host: str, port: int) -> str:
    """The address a person reaches this server on, for links in mail when SITE_URL is not
    set (a wildcard address stands for this machine's name)."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _listen(host: str, port: int, shared: bool) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, backlog=1024,
                                    reuse_port=shared)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _fork_web_processes(count: int, serve) -> list[int]:
    """``count`` children running ``serve()``; each ends when the parent sends SIGTERM."""
    children = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:  # the child: serve until terminated, never return into the CLI
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                serve()
            except BaseException:  # noqa: BLE001 - a child must not run the parent's code
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    return children


def _stop(children: list[int]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _terminate_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a TCP port (1-65535)")
    if args.processes < 1 or args.threads < 1:
        raise UserError("--processes and --threads must be at least 1")
    # Links in mail point at this server unless SITE_URL says otherwise (read by settings).
    os.environ.setdefault("SITE_URL", served_url(args.host, args.port))
    from ownup import proxies

    try:
        trusted = proxies.parse(os.environ.get("TRUSTED_PROXIES", ""))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if os.environ.get("HTTPS", "").lower() in {"1", "true", "yes", "on"} and not trusted:
        raise UserError("HTTPS=1 needs TRUSTED_PROXIES: the address of the TLS proxy in front "
                        "(without it every page would redirect to itself)")
    setup_django()
    from django.core.management import call_command
    from waitress import create_server

    call_command("collectstatic", interactive=False, verbosity=0)
    from ownup.wsgi import application  # after collectstatic: WhiteNoise indexes files once

    shared = args.processes > 1
    listener = _listen(args.host, args.port, shared)  # fails here, once, if the port is taken

    def serve(sock: socket.socket | None = None) -> None:
        if sock is None:  # a child: its own socket in the port's group, not the parent's
            listener.close()
            sock = _listen(args.host, args.port, shared)
        create_server(proxies.behind_proxies(application, trusted), sockets=[sock],
                      threads=args.threads, clear_untrusted_proxy_headers=False).run()

    # Fork before any thread starts and before any database connection opens.
    children = _fork_web_processes(args.processes - 1, serve)
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    worker = thread = None
    if not args.no_worker:
        from ownup.worker.loop import Worker

        worker = Worker()
        thread = threading.Thread(target=worker.run_forever, name="ownup-worker", daemon=True)
        thread.start()
    processes = f" ({args.processes} processes)" if args.processes > 1 else ""
    print(f"ownup is serving on http://{args.host}:{args.port}/{processes} (Ctrl-C stops it)",
          flush=True)
    try:
        serve(listener)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children)
        if worker:
            worker.stopping.set()  # finish the batch in hand, then stop
            thread.join(timeout=15)
    return 0
