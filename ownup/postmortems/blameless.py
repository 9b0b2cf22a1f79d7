"""The blame check of a post-mortem: the tone check's ``blame`` rule over every section,
with the workspace's people and the client's contacts as names (``Sam forgot ...``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ownup.accounts.models import Membership
from ownup.core.tone import check

CHECKED_SECTIONS = (
    ("summary", "Summary"), ("client_impact", "Client impact"), ("root_causes", "Root causes"),
    ("went_well", "What went well"), ("could_be_better", "What could have gone better"),
    ("internal_notes", "Internal notes"),
)


def people_names(workspace, client=None) -> list[str]:
    """Full and first names of the workspace's people and the client's contacts."""
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(workspace=workspace).values("user_id"))
    full = [f"{u.first_name} {u.last_name}".strip() for u in users]
    if client is not None:
        full += list(client.contacts.filter(archived_at__isnull=True)
                     .values_list("name", flat=True))
    names: set[str] = set()
    for name in full:
        name = " ".join(name.split())
        if len(name) >= 2:
            names.add(name)
            first = name.split()[0]
            if len(first) >= 2:
                names.add(first)
    return sorted(names)


def blame_findings(texts: list[tuple[str, str, str]], names: list[str]) -> list[dict]:
    """``texts``: (field key, label, text). Only ``blame`` findings are returned."""
    out: list[dict] = []
    for key, label, text in texts:
        if not text or not text.strip():
            continue
        report = check(text, "other", names=names)
        for f in report.findings:
            if f.category != "blame":
                continue
            out.append({"field": key, "label": label, "start": f.start, "end": f.end,
                        "phrase": text[f.start:f.end], "message": f.message,
                        "suggestion": f.suggestion})
    return out


def postmortem_texts(postmortem, learnings=None, action_items=None) -> list[tuple[str, str, str]]:
    texts = [(key, label, getattr(postmortem, key)) for key, label in CHECKED_SECTIONS]
    for n, row in enumerate(postmortem.timeline or [], 1):
        texts.append((f"timeline_{n}", f"Timeline line {n}", str(row.get("text", ""))))
    for n, why in enumerate(postmortem.five_whys or [], 1):
        texts.append((f"why_{n}", f"Why {n}", str(why)))
    if learnings is None:
        learnings = list(postmortem.learnings.all())
    for n, learning in enumerate(learnings, 1):
        texts.append((f"learning_{n}", f"Learning {n}", learning.statement))
    if action_items is None:
        action_items = list(postmortem.action_items.all())
    for n, item in enumerate(action_items, 1):
        texts.append((f"action_{n}", f"Action item {n}", item.what))
    return texts
