"""The tone check shown beside a drafting field: the text with each finding marked."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ownup.core import tone


def highlight(text: str, findings) -> str:
    """The text as HTML with each finding's span in a <mark> titled by its message."""
    spans = sorted((f for f in findings if f.end > f.start), key=lambda f: (f.start, -f.end))
    out, pos = [], 0
    for f in spans:
        if f.start < pos:
            continue  # overlapping spans: the first one wins
        out.append(escape(text[pos:f.start]))
        out.append(f'<mark class="tone-{f.category}" title="{escape(f.message)}">'
                   f"{escape(text[f.start:f.end])}</mark>")
        pos = f.end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out).replace("\n", "<br>"))


def tone_field_context(text: str, kind: str) -> dict:
    """The check's result for ``text`` as a message of ``kind``, ready for the tone templates
    (also for re-rendering a form server-side with the check already shown)."""
    if kind not in tone.KINDS:
        kind = "other"
    report = tone.check(text, kind)
    return {"text": text, "kind": kind, "report": report,
            "highlighted": highlight(text, report.findings), "kinds": tone.KINDS,
            "items": [(f, text[f.start:f.end]) for f in report.findings]}
