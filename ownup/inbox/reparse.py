"""Re-reading stored mail from its raw source (``ownup reparse``): a better parser applied to
old mail. What the parser derives — subject, addresses, text, the new words, sanitised HTML,
files and their names, the warnings — is replaced; what people and the clocks decided
(thread, class, triage, judgements, dates) is kept. Reports what changed, field by field."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from ownup.accounts.models import Workspace

from .attachments import attachments_store
from .models import Attachment, Message, RawMessage
from .parsing import ParsedMessage, parse_raw

#: Message field <- ParsedMessage attribute
FIELDS = {
    "subject": "subject", "sender": "sender", "recipients": "recipients",
    "body_text": "body_text", "new_text": "new_text", "body_html_sanitized": "body_html",
    "is_auto_reply": "is_auto_reply", "parse_warnings": "warnings",
    "content_sha256": "content_sha256",
}
CHUNK = 200


@dataclass
class ReparseReport:
    read: int = 0
    changed: int = 0
    without_raw: int = 0
    refused: int = 0  # the new reading collides with another stored message
    fields: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        what = ", ".join(f"{name} {n}" for name, n in sorted(self.fields.items())) or "nothing"
        return (f"re-read {self.read} messages: {self.changed} changed ({what}); "
                f"{self.without_raw} without a raw source; {self.refused} refused")


def _files(parsed: ParsedMessage) -> list[tuple[str, str]]:
    import hashlib

    return [(a.filename, hashlib.sha256(a.data).hexdigest()) for a in parsed.attachments]


def _apply(msg: Message, parsed: ParsedMessage, report: ReparseReport, dry_run: bool) -> None:
    changed = [name for name, attr in FIELDS.items()
               if getattr(msg, name) != getattr(parsed, attr)]
    old_files = [(a.filename, a.sha256) for a in msg.attachments.all()]
    files_changed = old_files != _files(parsed)
    if files_changed:
        changed.append("attachments")
    if not changed:
        return
    if dry_run:
        report.changed += 1
        report.fields.update(name for name in changed if name != "content_sha256")
        return
    try:
        with transaction.atomic():
            for name, attr in FIELDS.items():
                setattr(msg, name, getattr(parsed, attr))
            msg.save(update_fields=list(FIELDS))
            if files_changed:
                Attachment.objects.filter(message=msg).delete()  # files are content-addressed
                attachments_store(message=msg, items=parsed.attachments)
    except IntegrityError:
        report.refused += 1
        return
    report.changed += 1
    report.fields.update(name for name in changed if name != "content_sha256")


def messages_reparse(*, workspace: Workspace, dry_run: bool = False) -> ReparseReport:
    """Re-derive every stored message of ``workspace`` from its raw source."""
    report = ReparseReport()
    qs = Message.objects.filter(workspace=workspace).order_by("pk")
    report.without_raw = qs.filter(raw_sha256="").count()
    last = None
    while True:
        page = qs.exclude(raw_sha256="")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page.prefetch_related("attachments")[:CHUNK])
        if not batch:
            return report
        last = batch[-1].pk
        raws = RawMessage.objects.in_bulk({m.raw_sha256 for m in batch})
        for msg in batch:
            source = raws.get(msg.raw_sha256)
            if source is None:
                report.without_raw += 1
                continue
            report.read += 1
            _apply(msg, parse_raw(source.raw()), report, dry_run)
