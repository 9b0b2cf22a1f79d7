"""`ownup migrate` and `ownup manage …` (any Django management command)."""

from __future__ import annotations

import argparse

from . import setup_django


def register(sub) -> None:
    p = sub.add_parser("migrate", help="create or update the database tables")
    p.set_defaults(func=run_migrate)
    p = sub.add_parser("manage", help="run a Django management command (manage.py …)",
                       add_help=False)
    p.add_argument("args", nargs=argparse.REMAINDER, help="the command and its arguments")
    p.set_defaults(func=run_manage)


def run_migrate(args) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def run_manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ownup manage", *args.args])
    return 0
