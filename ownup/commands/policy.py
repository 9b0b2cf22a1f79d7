"""`ownup policy`: work with response policy files.

Subcommands live in SUBCOMMANDS; each is a ``(name, register)`` pair whose register function
adds its parser to the inner subparsers and sets ``func``. Add ``import``/``export``/``list``
by writing their register functions and appending them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ownup.commands import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "policy", help="check and manage response policies", description=__doc__.splitlines()[0]
    )
    inner = parser.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    for _name, register_sub in SUBCOMMANDS:
        register_sub(inner)
    parser.set_defaults(func=lambda args: _no_subcommand(parser))


def _no_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


# --------------------------------------------------------------------------- check


def register_check(inner) -> None:
    parser = inner.add_parser("check", help="validate a policy TOML file")
    parser.add_argument("file", metavar="FILE")
    parser.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from ownup.core.policy import PolicyError, load_policy

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read policy file {args.file}: {exc.strerror or exc}") from None
    try:
        policy = load_policy(text)
    except PolicyError as exc:
        count = len(exc.problems)
        print(f"invalid: {args.file} ({count} problem{'s' if count != 1 else ''})")
        for key, message in exc.problems:
            print(f"{key}: {message}")
        return 2
    print(f"ok: {policy.name} ({len(policy.classes)} classes)")
    return 0


SUBCOMMANDS = [("check", register_check)]
