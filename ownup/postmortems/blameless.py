"""The blame check of a post-mortem: the tone check's ``blame`` rule over every section, with
the workspace's people, the client's contacts and their roles passed in as who may not be named
as the cause (``Sam forgot ...``, ``the freelancer was careless``)."""

from __future__ import annotations

from collections.abc import Iterable

from ownup.audit.tone_gate import people_names, people_roles
from ownup.core.tone import check
from ownup.core.tone.culprits import DEFAULT_ROLES
from ownup.core.tone.gate import with_culprits

__all__ = ["blame_findings", "people_names", "people_roles", "postmortem_texts"]

CHECKED_SECTIONS = (
    ("summary", "Summary"), ("client_impact", "Client impact"), ("root_causes", "Root causes"),
    ("went_well", "What went well"), ("could_be_better", "What could have gone better"),
    ("internal_notes", "Internal notes"),
)


def blame_findings(texts: list[tuple[str, str, str]], names: list[str],
                   roles: Iterable[str] = DEFAULT_ROLES) -> list[dict]:
    """``texts``: (field key, label, text). Only ``blame`` findings are returned: the tone
    check's, and every person (``names``) or role (``roles``) named as the cause."""
    roles = list(roles)
    out: list[dict] = []
    for key, label, text in texts:
        if not text or not text.strip():
            continue
        report = with_culprits(check(text, "other", names=names), text, names, roles)
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
