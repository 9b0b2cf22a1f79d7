"""`ownup migrate`, `ownup makemigrations …` and `ownup manage …` (any Django management
command)."""

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
    # The migrations check and merge the team's landing runs (`ownup makemigrations --check
    # --dry-run`, `ownup makemigrations --merge`): Django's makemigrations with its own options.
    p = sub.add_parser("makemigrations", help="create, check or merge migrations (Django's)")
    p.add_argument("app_label", nargs="*", help="only these apps")
    p.add_argument("--check", action="store_true", help="exit 1 when a migration is missing")
    p.add_argument("--dry-run", action="store_true", help="show what would be written")
    p.add_argument("--merge", action="store_true", help="merge conflicting migrations")
    p.add_argument("--name", "-n", help="the new migration's name")
    p.add_argument("--noinput", action="store_true", help="ask nothing")
    p.set_defaults(func=run_makemigrations)


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


def run_makemigrations(args) -> int:
    setup_django()
    from django.core.management import call_command

    try:
        call_command("makemigrations", *args.app_label, check_changes=args.check,
                     dry_run=args.dry_run, merge=args.merge, name=args.name,
                     interactive=not args.noinput)
    except SystemExit as exc:  # --check: Django exits 1 when a migration is missing
        return int(exc.code or 0)
    return 0
