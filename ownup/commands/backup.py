"""`ownup backup`, `ownup restore` and `ownup export`: archives and workspace exports."""

from __future__ import annotations

import sys
from pathlib import Path

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_client, resolve_workspace


def register(sub) -> None:
    p = sub.add_parser("backup", help="write a consistent archive of the database and files")
    p.add_argument("path", metavar="ARCHIVE", help="where to write the .tar.gz")
    p.set_defaults(func=run_backup)
    p = sub.add_parser("restore", help="replace the database and files with an archive's")
    p.add_argument("path", metavar="ARCHIVE", help="an archive written by `ownup backup`")
    p.add_argument("--force", action="store_true",
                   help="replace a database that already holds data")
    p.set_defaults(func=run_restore)
    p = sub.add_parser("export", help="one workspace (or one client) as JSON, secrets left out")
    add_workspace_arg(p)
    p.add_argument("--client", metavar="NAME_OR_ID", help="only this client's data")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=run_export)


def run_backup(args) -> int:
    setup_django()
    from ownup.backup import backup_create

    manifest = backup_create(path=Path(args.path))
    rows = sum(manifest["counts"].values())
    print(f"backup written to {args.path}: {rows} rows from {manifest['vendor']}")
    return 0


def run_restore(args) -> int:
    setup_django()
    from ownup.backup import BackupError, backup_restore

    try:
        result = backup_restore(path=Path(args.path), force=args.force)
    except BackupError as exc:
        raise UserError(str(exc)) from None
    rows = sum(result["restored"].values())
    print(f"restored {rows} rows from {args.path} (taken {result['created_at']})")
    return 0


def run_export(args) -> int:
    setup_django()
    from ownup.backup import export_json, private_file, workspace_export

    workspace = resolve_workspace(args.workspace)
    client = resolve_client(workspace, args.client) if args.client else None
    from ownup.audit.services import audit_record

    text = export_json(workspace_export(workspace=workspace, client=client))
    audit_record(action="export.workspace", workspace=workspace,
                 target=client.name if client else workspace.slug, detail={"via": "cli"})
    if args.output:
        with private_file(Path(args.output)) as out:
            out.write(text.encode("utf-8"))
        print(f"exported to {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0
