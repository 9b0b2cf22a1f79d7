"""Keeping the files that come with client mail, within size limits.

Files are content-addressed (``attachments/ab/abcdef…``): the same file mailed twice is stored
once, and a file written for a message whose transaction is later rolled back is simply reused
when the message comes again. A file that cannot be written (disk full, permissions) raises
``AttachmentWriteError``: ingest then quarantines the whole raw message with the reason, so
the file is never silently lost.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

from .models import Attachment, Message


class AttachmentWriteError(Exception):
    pass


def _limits() -> tuple[int, int]:
    return settings.OWNUP_ATTACHMENT_MAX_BYTES, settings.OWNUP_MESSAGE_ATTACHMENTS_MAX_BYTES


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def _write(data: bytes, digest: str) -> str:
    relative = f"attachments/{digest[:2]}/{digest}"
    target = Path(settings.MEDIA_ROOT) / relative
    if target.exists() and target.stat().st_size == len(data):
        return relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return relative


def attachments_store(*, message: Message, items) -> list[Attachment]:
    """Store ``items`` (ParsedAttachment) for ``message``; over-limit files keep a row only."""
    per_file, per_message = _limits()
    rows, total = [], 0
    for item in items:
        size = len(item.data)
        digest = hashlib.sha256(item.data).hexdigest()
        reason = ""
        if size > per_file:
            reason = f"larger than the {_mb(per_file)} limit for one file"
        elif total + size > per_message:
            reason = f"the message's files together exceed {_mb(per_message)}"
        path = ""
        if not reason:
            try:
                path = _write(item.data, digest)
            except OSError as exc:
                raise AttachmentWriteError(
                    f"attachment {item.filename!r} could not be written: {exc.strerror or exc}"
                ) from exc
            total += size
        rows.append(Attachment(
            workspace_id=message.workspace_id, message=message, filename=item.filename,
            content_type=item.content_type[:120], size=size, sha256=digest, path=path,
            not_stored_reason=reason))
    if rows:
        Attachment.objects.bulk_create(rows)
        skipped = [r for r in rows if not r.path]
        if skipped:
            message.parse_warnings = [*message.parse_warnings, *(
                f"attachment {r.filename} not kept: {r.not_stored_reason}" for r in skipped)]
            message.save(update_fields=["parse_warnings"])
    return rows


def attachment_download(workspace, attachment_id) -> FileResponse:
    """A stored attachment of ``workspace`` as a download (never rendered inline, so a hostile
    file cannot run in the page); 404 for another workspace's, a malformed id, one that was
    not kept or one missing from storage."""
    from ownup.accounts.selectors import get_in_workspace

    row = get_in_workspace(Attachment.objects.exclude(path=""), workspace, pk=attachment_id)
    try:
        handle = open(Path(settings.MEDIA_ROOT) / row.path, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    return FileResponse(handle, as_attachment=True, filename=row.filename,
                        content_type="application/octet-stream")
