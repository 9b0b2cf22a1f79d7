"""The learnings library: search (full text), filters, counts, and "mark applied"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client

from . import selectors, services
from .models import Learning


def _filters(request) -> dict:
    client = None
    if client_id := request.GET.get("client", ""):
        client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    return {"q": request.GET.get("q", "").strip()[:200], "client": client,
            "category": request.GET.get("category", ""),
            "service_line": request.GET.get("service_line", "").strip()[:80]}


@workspace_required
def learning_list(request):
    f = _filters(request)
    results = selectors.learning_search(workspace=request.workspace, **f)
    context = {**f, "results": results, **selectors.learning_filters(request.workspace),
               "clients": Client.objects.filter(workspace=request.workspace)
               .order_by("name")}
    if request.headers.get("HX-Request") and request.GET.get("partial"):
        return render(request, "learnings/_results.html", context)
    return render(request, "learnings/list.html", context)


@require_POST
@workspace_required
def learning_apply(request, learning_id):
    learning = get_in_workspace(Learning.objects.all(), request.workspace, uid=learning_id)
    try:
        services.learning_mark_applied(learning=learning, user=request.user,
                                       note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Marked as applied. Thank you for closing the loop.")
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("learnings")
