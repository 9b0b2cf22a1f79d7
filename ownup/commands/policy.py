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
    from ownup.core.policy import PolicyError, load_policy, written_problems

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read policy file {args.file}: {exc.strerror or exc}") from None
    try:
        policy = load_policy(text)
        problems = written_problems(policy)
        if problems:
            raise PolicyError(problems)
    except PolicyError as exc:
        count = len(exc.problems)
        print(f"invalid: {args.file} ({count} problem{'s' if count != 1 else ''})")
        for key, message in exc.problems:
            print(f"{key}: {message}")
        return 2
    print(f"ok: {policy.name} ({len(policy.classes)} classes)")
    return 0


# --------------------------------------------------------------------------- database


def _workspace(args):
    from ownup.commands import setup_django

    setup_django()
    from ownup.commands.users import resolve_workspace

    return resolve_workspace(args.workspace)


def _add_workspace(parser) -> None:
    from ownup.commands.users import add_workspace_arg

    add_workspace_arg(parser)


def _find_policy(workspace, name: str):
    from ownup.policies.models import ResponsePolicy

    row = ResponsePolicy.objects.filter(workspace=workspace, name__iexact=name.strip()).first()
    if row is None:
        known = ", ".join(
            ResponsePolicy.objects.filter(workspace=workspace).values_list("name", flat=True)
        )
        raise UserError(f"no policy named {name!r} in {workspace.slug} (known: {known or 'none'})")
    return row


def _problems_line(exc) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "; ".join(exc.messages)


def register_import(inner) -> None:
    parser = inner.add_parser("import", help="store a policy TOML file in a workspace")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--default", action="store_true", help="make it the workspace default")
    parser.add_argument("--replace", action="store_true",
                        help="replace the stored policy of the same name")
    _add_workspace(parser)
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise UserError(f"cannot read policy file {args.file}: {reason}") from None
    workspace = _workspace(args)
    from django.core.exceptions import ValidationError

    from ownup.errors import Conflict
    from ownup.policies import services
    from ownup.policies.models import ResponsePolicy

    try:
        document = services.validated_document(toml_text=text)
        existing = ResponsePolicy.objects.filter(
            workspace=workspace, name__iexact=document["name"]
        ).first()
        if existing is not None and not args.replace:
            raise UserError(f"a policy named {existing.name!r} exists in {workspace.slug}: "
                            "use --replace to overwrite it")
        if existing is not None:
            row = services.policy_update(policy=existing, document=document)
            if args.default:
                services.policy_set_default(policy=row)
            verb = "replaced"
        else:
            row = services.policy_create(workspace=workspace, document=document,
                                         is_default=args.default)
            verb = "imported"
    except ValidationError as exc:
        raise UserError(f"invalid policy {args.file}: {_problems_line(exc)}") from None
    except Conflict as exc:
        raise UserError(str(exc)) from None
    print(f"{verb}: {row.name}{' (default)' if row.is_default else ''} in {workspace.slug}")
    return 0


def register_export(inner) -> None:
    parser = inner.add_parser("export", help="print a stored policy as TOML")
    parser.add_argument("name", metavar="NAME")
    _add_workspace(parser)
    parser.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    from ownup.core.policy import dump_policy
    from ownup.policies.selectors import core_policy

    print(dump_policy(core_policy(_find_policy(workspace, args.name))), end="")
    return 0


def register_list(inner) -> None:
    parser = inner.add_parser("list", help="list the stored policies of a workspace")
    _add_workspace(parser)
    parser.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    from ownup.policies.selectors import policy_list

    rows = list(policy_list(workspace=workspace))
    if not rows:
        print(f"no policies in {workspace.slug}: clients follow the built-in standard retainer")
    for row in rows:
        default = " (default)" if row.is_default else ""
        count = row.client_count
        print(f"{row.name}{default}\t{row.document['timezone']}\t"
              f"{count} client{'s' if count != 1 else ''}")
    return 0


def register_assign(inner) -> None:
    parser = inner.add_parser("assign", help="give a client a stored policy")
    parser.add_argument("name", metavar="NAME", help="the policy's name")
    parser.add_argument("client", metavar="CLIENT", help="the client's name")
    _add_workspace(parser)
    parser.set_defaults(func=run_assign)


def run_assign(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    from ownup.clients.models import Client
    from ownup.policies import services

    row = _find_policy(workspace, args.name)
    client = Client.objects.filter(workspace=workspace, name__iexact=args.client.strip()).first()
    if client is None:
        raise UserError(f"no client named {args.client!r} in {workspace.slug}")
    services.policy_assign(client=client, policy=row)
    print(f"assigned: {row.name} to {client.name}")
    return 0


SUBCOMMANDS = [
    ("check", register_check),
    ("import", register_import),
    ("export", register_export),
    ("list", register_list),
    ("assign", register_assign),
]
