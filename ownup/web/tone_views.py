"""A drafting page with the tone check running as you type (htmx, debounced)."""

from __future__ import annotations

from django.shortcuts import render

from ownup.accounts.decorators import workspace_required
from ownup.ui.tone_field import tone_field_context


@workspace_required
def tone_page(request):
    ctx = tone_field_context(request.POST.get("text", ""), request.POST.get("kind", "apology"))
    if request.headers.get("HX-Request"):
        return render(request, "web/_tone_result.html", ctx)
    return render(request, "web/tone.html", ctx)


@workspace_required
def tone_live(request):
    """The live result for a ``_tone_field.html`` textarea (posted with its whole form)."""
    field = request.POST.get("tone_field", "body")
    r = tone_field_context(request.POST.get(field, ""), request.POST.get("tone_kind", "other"))
    return render(request, "web/_tone_live.html", {"r": r})
