"""`ownup demo`: load the demo agency (idempotent)."""

from __future__ import annotations

from . import setup_django


def register(sub) -> None:
    p = sub.add_parser("demo", help="load demo data (safe to run again)")
    p.add_argument("--if-empty", action="store_true",
                   help="only when the database holds no workspace yet")
    p.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from ownup.accounts.models import Workspace
    from ownup.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo

    if args.if_empty and Workspace.objects.exists():
        print("demo data skipped: the database already holds a workspace")
        return 0
    workspace = load_demo()
    print(f"demo data ready in workspace {workspace.slug!r}")
    print(f"sign in as {DEMO_LOGIN} with password {DEMO_PASSWORD}")
    return 0
