"""A drafting page with the tone check running as you type (htmx, debounced)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ownup.accounts.decorators import workspace_required
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


def _result_context(text: str, kind: str) -> dict:
    if kind not in tone.KINDS:
        kind = "other"
    report = tone.check(text, kind)
    return {"text": text, "kind": kind, "report": report,
            "highlighted": highlight(text, report.findings), "kinds": tone.KINDS,
            "items": [(f, text[f.start:f.end]) for f in report.findings]}


@workspace_required
def tone_page(request):
    ctx = _result_context(request.POST.get("text", ""), request.POST.get("kind", "apology"))
    if request.headers.get("HX-Request"):
        return render(request, "web/_tone_result.html", ctx)
    return render(request, "web/tone.html", ctx)


@workspace_required
def tone_live(request):
    """The live result for a ``_tone_field.html`` textarea (posted with its whole form)."""
    field = request.POST.get("tone_field", "body")
    r = _result_context(request.POST.get(field, ""), request.POST.get("tone_kind", "other"))
    return render(request, "web/_tone_live.html", {"r": r})


def tone_field_context(text: str, kind: str) -> dict:
    """For re-rendering a form server-side with the check already shown."""
    return _result_context(text, kind)
