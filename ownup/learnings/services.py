"""Writes for learnings: syncing them from a post-mortem, counting shows, marking applied."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import FailureCategory, Learning, LearningApplied, LearningShown

MAX_STATEMENT = 500


def _clean_row(row: dict, n: int) -> dict:
    statement = " ".join((row.get("statement") or "").split())
    if len(statement) > MAX_STATEMENT:
        raise ValidationError({"learnings": f"Learning {n} is longer than {MAX_STATEMENT} "
                                            "characters; keep it to one sentence or two."})
    category = (row.get("category") or FailureCategory.OTHER).strip()
    if category not in FailureCategory.values:
        raise ValidationError({"learnings": f"Learning {n}: {category!r} is not a category."})
    service_line = " ".join((row.get("service_line") or "").split())[:80]
    return {"statement": statement, "category": category, "service_line": service_line,
            "id": row.get("id") or None}


@transaction.atomic
def learnings_sync_for_postmortem(*, postmortem, rows: Iterable[dict]) -> list[Learning]:
    """Make the post-mortem's learnings match ``rows`` (dicts with statement, category,
    service_line and optionally the id of an existing learning). Blank statements are dropped;
    learnings not in ``rows`` are removed."""
    cleaned = [_clean_row(r, n) for n, r in enumerate(rows, 1)]
    cleaned = [r for r in cleaned if r["statement"]]
    existing = {str(x.uid): x for x in Learning.objects.filter(postmortem=postmortem)}
    kept: list[Learning] = []
    context = learning_context(postmortem)
    for row in cleaned:
        learning = existing.pop(str(row["id"]), None) if row["id"] else None
        if learning is None:
            learning = Learning(workspace_id=postmortem.workspace_id, postmortem=postmortem)
        learning.statement = row["statement"]
        learning.category = row["category"]
        learning.service_line = row["service_line"]
        learning.client_id = postmortem.incident.client_id
        learning.context = context
        learning.published = postmortem.status == "published"
        learning.save()
        kept.append(learning)
    if existing:
        Learning.objects.filter(pk__in=[x.pk for x in existing.values()]).delete()
    return kept


def learning_context(postmortem) -> str:
    incident = postmortem.incident
    parts = [incident.title, incident.what_happened, postmortem.summary,
             postmortem.root_causes, *(w for w in postmortem.five_whys if w)]
    return "\n".join(p for p in parts if p)[:4000]


@transaction.atomic
def learnings_publish_for_postmortem(*, postmortem) -> int:
    context = learning_context(postmortem)
    count = 0
    for learning in Learning.objects.filter(postmortem=postmortem):
        learning.context = context
        learning.published = True
        learning.client_id = postmortem.incident.client_id
        learning.save()
        count += 1
    return count


def learnings_record_shown(*, learnings: Iterable[Learning], object_key: str) -> int:
    """Count each learning once per object it is shown on (two queries when nothing is new,
    three when something is). Returns how many counts went up."""
    ids = [x.pk for x in learnings]
    if not ids or not object_key:
        return 0
    object_key = object_key[:80]
    seen = set(LearningShown.objects.filter(learning_id__in=ids, object_key=object_key)
               .values_list("learning_id", flat=True))
    new = [i for i in ids if i not in seen]
    if not new:
        return 0
    try:
        with transaction.atomic():
            LearningShown.objects.bulk_create(
                [LearningShown(learning_id=i, object_key=object_key) for i in new])
            Learning.objects.filter(pk__in=new).update(shown_count=F("shown_count") + 1)
    except IntegrityError:  # another request counted them a moment ago
        return 0
    for learning in learnings:
        if learning.pk in new:
            learning.shown_count += 1
    return len(new)


@transaction.atomic
def learning_mark_applied(*, learning: Learning, user, note: str = "") -> Learning:
    if not learning.published:
        raise ValidationError("Only learnings of a published post-mortem can be marked applied.")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note under 2000 characters."})
    LearningApplied.objects.create(learning=learning, user=user, note=note)
    Learning.objects.filter(pk=learning.pk).update(applied_count=F("applied_count") + 1)
    learning.refresh_from_db()
    return learning
