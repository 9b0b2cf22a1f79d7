"""Business continuity pages (managers only): record a disruption, see every commitment of the
affected people due in its window, reassign each in a click (htmx). Nothing goes to clients."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required
from ownup.accounts.people import member_by_id, person_uid, person_uids
from ownup.accounts.selectors import get_in_workspace
from ownup.ui.forms import apply_errors

from . import continuity
from .forms import DisruptionForm, person_name
from .models import Disruption


def _disruption(request, disruption_id):
    return get_in_workspace(Disruption.objects.all(), request.workspace, uid=disruption_id)


@manager_required
def disruption_list(request):
    rows = Disruption.objects.filter(workspace=request.workspace).prefetch_related("affected")
    return render(request, "incidents/disruption_list.html", {"rows": rows[:100]})


@manager_required
def disruption_create(request):
    now = timezone.localtime()
    initial = {"starts": now.strftime("%Y-%m-%dT%H:%M"),
               "ends": (now + timezone.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")}
    form = DisruptionForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = continuity.disruption_record(
                workspace=request.workspace, kind=data["kind"], starts=data["starts"],
                ends=data["ends"], affected=list(data["affected"]), note=data["note"],
                user=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Disruption recorded. Reassign what falls due below.")
            return redirect("disruption_detail", disruption_id=row.uid)
    return render(request, "incidents/disruption_form.html", {"form": form},
                  status=422 if form.errors else 200)


KIND_LABELS = {
    "thread_acknowledge": "acknowledge", "thread_respond": "answer",
    "client_update": "client update", "incident_step": "incident step",
    "deliverable": "deliverable", "action_item": "action",
}


def _rows(disruption) -> list[dict]:
    User = get_user_model()
    commitments = continuity.commitments_at_risk(disruption)
    suggested = continuity.suggestions(disruption, commitments)
    owners = {u.pk: u for u in User.objects.filter(
        pk__in={int(c.owner) for c in commitments})}
    uids = person_uids(int(pk) for pk in suggested.values())
    return [{"c": c, "owner": owners.get(int(c.owner)),
             "suggested": str(uids[int(suggested[c.ref])]) if c.ref in suggested else "",
             "key": c.ref.replace(":", "-"), "kind": KIND_LABELS.get(c.kind, c.kind)}
            for c in commitments]


def _detail_ctx(disruption) -> dict:
    candidates = continuity.reassignment_candidates(disruption)
    return {
        "disruption": disruption,
        "affected": [person_name(u) for u in disruption.affected.all()],
        "rows": _rows(disruption),
        "candidates": [(str(person_uid(u)), person_name(u)) for u in candidates],
        "done": disruption.reassignments.select_related("from_user", "to_user", "by"),
    }


@manager_required
def disruption_detail(request, disruption_id):
    disruption = _disruption(request, disruption_id)
    return render(request, "incidents/disruption_detail.html", _detail_ctx(disruption))


@require_POST
@manager_required
def disruption_reassign(request, disruption_id):
    """Hand one commitment to someone else. htmx: returns the updated row (or its error)."""
    disruption = _disruption(request, disruption_id)
    try:
        to_user = member_by_id(request.workspace, request.POST.get("to", ""), "to")
    except ValidationError:
        to_user = None  # the service says "Choose someone in this workspace."
    ref = request.POST.get("ref", "")
    try:
        done = continuity.commitment_reassign(disruption=disruption, ref=ref, to_user=to_user,
                                              user=request.user)
    except ValidationError as exc:
        if request.headers.get("HX-Request"):
            # 200 so htmx swaps the message into the row (it ignores 4xx bodies by default)
            return render(request, "incidents/_reassign_result.html",
                          {"error": " ".join(exc.messages)})
        ctx = _detail_ctx(disruption)
        ctx["errors"] = exc.messages
        return render(request, "incidents/disruption_detail.html", ctx, status=422)
    if request.headers.get("HX-Request"):
        return render(request, "incidents/_reassign_result.html", {"done": done})
    messages.success(request, f"Handed to {person_name(done.to_user)}.")
    return redirect("disruption_detail", disruption_id=disruption.uid)
