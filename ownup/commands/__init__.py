"""Subcommands of the `ownup` console script.

Each module here exposes ``register(subparsers)``, which adds its parser(s) and sets
``func`` to a callable ``run(args) -> int``. Commands that need the database call
``setup_django()`` first; pure commands (due, tone, triage, policy check) stay fast
by never importing Django.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: printed as one line on stderr, exit code 2."""


_django_ready = False


def setup_django() -> None:
    global _django_ready
    if _django_ready:
        return
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ownup.settings")
    import django

    django.setup()
    _django_ready = True
