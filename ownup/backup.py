"""Backups, restores and workspace exports.

A backup is a ``.tar.gz`` holding ``manifest.json``, ``data.jsonl`` (every row of every ownup
table, read in one transaction — REPEATABLE READ on PostgreSQL — so the snapshot is
consistent) and ``files/`` (stored attachments). Foreign keys to content types use natural
keys, so an archive taken on SQLite restores on PostgreSQL and back.

A workspace export is one JSON document with every row that belongs to the workspace (found
by following foreign keys to ``Workspace``), secrets left out: what a client leaving an agency,
or an agency leaving ownup, takes with them.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string

FORMAT = 1
BATCH = 1000
#: Rebuilt by ``migrate``/``flush`` on the target, matched there by natural keys.
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session",
           "admin.logentry"}
SECRET_HINTS = ("password", "secret", "token_hash", "encrypted", "key_hash")


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why."""


def _label(model) -> str:
    return model._meta.label_lower


def backed_up_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if _label(m) not in SKIPPED and not m._meta.proxy
            and m._meta.managed]


def _applied_migrations() -> list[list[str]]:
    return sorted([a, n] for a, n in MigrationRecorder(connection).applied_migrations())


def _rows(model) -> Iterator:
    return model._default_manager.order_by("pk").iterator(chunk_size=BATCH)


def _chunks(rows: Iterator, size: int = BATCH) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _exact(value):
    """JSON for what the stdlib cannot encode, losing nothing (Django's encoder rounds
    datetimes to milliseconds)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot back up a {type(value).__name__}")


def _parsed(stream) -> Iterator:
    for line in stream:
        if line.strip():
            yield json.loads(line)


def private_file(path: Path):
    """Open ``path`` for writing, readable by its owner only (0600), even if it existed with
    looser permissions: an archive holds password and token hashes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def backup_create(*, path: Path) -> dict:
    """Write a consistent archive of the database and stored files to ``path``."""
    path = Path(path)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.jsonl"
        with transaction.atomic(), data.open("w", encoding="utf-8") as out:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for model in serializers.sort_dependencies(
                [(apps.get_app_config(m._meta.app_label), [m]) for m in backed_up_models()]
            ):
                counts[_label(model)] = model._default_manager.count()
                for chunk in _chunks(_rows(model)):
                    for row in serializers.serialize("python", chunk,
                                                     use_natural_foreign_keys=True):
                        out.write(json.dumps(row, default=_exact, ensure_ascii=False) + "\n")
            migrations = _applied_migrations()
        manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                    "vendor": connection.vendor, "migrations": migrations, "counts": counts}
        path.parent.mkdir(parents=True, exist_ok=True)
        with private_file(path) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            blob = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
            tar.add(data, arcname="data.jsonl")
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="files")
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupError("not an ownup backup (manifest.json is missing or unreadable)") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    return manifest


def _database_is_empty() -> bool:
    return not any(m._default_manager.exists() for m in backed_up_models())


def _flush_objects(batch: list, m2m: list) -> None:
    by_model = defaultdict(list)
    for obj in batch:
        by_model[type(obj)].append(obj)
    for model, objs in by_model.items():
        model._base_manager.bulk_create(objs, batch_size=BATCH)
    for obj, name, ids in m2m:
        getattr(obj, name).set(ids)
    batch.clear()
    m2m.clear()


def backup_restore(*, path: Path, force: bool = False) -> dict:
    """Replace the database's contents (and stored files) with the archive's.

    Refuses a non-empty database unless ``force``; refuses an archive made by a newer ownup
    (migrations this code does not have). Nothing is changed when it refuses.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    try:
        tar = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable .tar.gz archive") from exc
    with tar:
        manifest = _read_manifest(tar)
        call_command("migrate", verbosity=0, interactive=False)
        known = {tuple(m) for m in _applied_migrations()}
        newer = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in known]
        if newer:
            raise BackupError("the archive comes from a newer ownup (unknown migrations: "
                              + ", ".join(newer[:5]) + ")")
        if not force and not _database_is_empty():
            raise BackupError("the database is not empty; pass --force to replace its contents")
        try:
            member = tar.extractfile("data.jsonl")
        except KeyError as exc:
            raise BackupError("the archive has no data.jsonl") from exc
        call_command("flush", verbosity=0, interactive=False)
        counts: dict[str, int] = defaultdict(int)
        with transaction.atomic(), connection.constraint_checks_disabled(), _stored_timestamps():
            batch: list = []
            m2m: list = []
            stream = io.TextIOWrapper(member, encoding="utf-8")
            for item in serializers.deserialize("python", _parsed(stream),
                                                handle_forward_references=True):
                if batch and type(batch[-1]) is not type(item.object):
                    _flush_objects(batch, m2m)  # later models may refer to these by natural key
                batch.append(item.object)
                counts[_label(type(item.object))] += 1
                for name, ids in (item.m2m_data or {}).items():
                    m2m.append((item.object, name, ids))
                if len(batch) >= BATCH:
                    _flush_objects(batch, m2m)
            _flush_objects(batch, m2m)
            connection.check_constraints()
        _reset_sequences()
        _restore_files(tar)
    return {**manifest, "restored": dict(counts)}


@contextmanager
def _stored_timestamps():
    """Keep archived created/updated times: bulk inserts would stamp ``auto_now`` fields."""
    flags = []
    for model in backed_up_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                flags.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, now_add in flags:
            field.auto_now, field.auto_now_add = now, now_add


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _restore_files(tar: tarfile.TarFile) -> None:
    media = Path(settings.MEDIA_ROOT)
    for member in tar.getmembers():
        if not member.name.startswith("files/") or not member.isfile():
            continue
        target = (media / member.name.removeprefix("files/")).resolve()
        if media.resolve() not in target.parents:
            continue  # a path escaping MEDIA_ROOT is never written
        target.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(member) as src:
            target.write_bytes(src.read())


# --- workspace export -------------------------------------------------------------------


def _path_to(model, target, depth: int = 3, seen=()) -> str | None:
    """The ORM lookup path from ``model`` to ``target`` through foreign keys, if any."""
    if model is target:
        return "pk"
    if depth == 0:
        return None
    for field in model._meta.concrete_fields:
        if not field.many_to_one or field.related_model in seen:
            continue
        if field.related_model is target:
            return field.name
    for field in model._meta.concrete_fields:
        if not field.many_to_one or field.related_model in seen or field.related_model is model:
            continue
        rest = _path_to(field.related_model, target, depth - 1, (*seen, model))
        if rest is not None and rest != "pk":
            return f"{field.name}__{rest}"
    return None


def _is_secret(field) -> bool:
    return any(hint in field.name for hint in SECRET_HINTS)


def _plain(model, obj) -> dict:
    row = {}
    for field in model._meta.concrete_fields:
        if _is_secret(field):
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, memoryview | bytes):
            value = bytes(value).decode("utf-8", "replace")
        row[field.attname] = value
    return row


def workspace_export(*, workspace, client=None) -> dict:
    """Every row belonging to the workspace (or only to one of its clients), secrets left out."""
    from ownup.accounts.models import Membership, Workspace
    from ownup.clients.models import Client

    target, anchor = (Client, client) if client is not None else (Workspace, workspace)
    data: dict[str, list[dict]] = {}
    for model in backed_up_models():
        if model in (Workspace,) and client is not None:
            continue
        lookup = _path_to(model, target)
        if lookup is None:
            continue
        rows = model._default_manager.filter(**{lookup: anchor.pk}).order_by("pk")
        data[_label(model)] = [_plain(model, obj) for obj in rows.iterator(chunk_size=BATCH)]
    people = Membership.objects.filter(workspace=workspace).select_related("user")
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "workspace": {"id": workspace.pk, "name": workspace.name, "slug": workspace.slug},
        "client": None if client is None else {"id": str(client.pk), "name": client.name},
        "people": [{"email": m.user.email, "name": m.user.get_full_name(), "role": m.role}
                   for m in people],
        "data": data,
    }


def export_json(document: dict) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False)
