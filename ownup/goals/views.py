"""Pages for a client's goals, work items (with deliverables), advice log, concerns and the
next review agenda (edit, regenerate, PDF, plain text)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.ui.forms import apply_errors

from . import selectors, services
from .forms import AdviceForm, ConcernForm, DeliverableForm, GoalForm, WorkItemForm
from .models import ConcernStatus

# --- helpers -----------------------------------------------------------------------------------


def _client(request, client_id) -> Client:
    return get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)



def _form_page(request, form, *, client, title, back, save, delete_url="", submit="Save",
               extra=None):
    """Validate ``form`` on POST and run ``save(cleaned_data)``; redirect to ``back``."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect(back)
    return render(request, "goals/form.html", {
        "form": form, "client": client, "title": title, "back": back, "submit": submit,
        "delete_url": delete_url, **(extra or {}),
    }, status=422 if form.errors else 200)


def _fresh(obj):
    """A separate copy for the ModelForm (which writes into its instance while validating), so
    the service sees the stored values and can tell what changed."""
    return type(obj).objects.get(pk=obj.pk)


def _kw(data: dict, names) -> dict:
    return {k: data[k] for k in names if k in data}


def _plan_url(client) -> str:
    return reverse("client_goals", args=[client.pk])


# --- the client panel --------------------------------------------------------------------------


def client_panel(request, client):
    if client is None:
        return None
    return {
        "template": "goals/_client_panel.html", "order": 30, "client": client,
        "goals": list(selectors.goals_of(client)),
        "work": list(selectors.work_items_of(client).exclude(status="done")),
        "concerns": list(selectors.open_concerns(client)),
        "advice": list(selectors.advice_of(client)[:5]),
    }


def dashboard_panel(request, obj=None):
    """The dashboard's "Due from me": my open deliverables due in the next 7 days, and late."""
    if getattr(request, "workspace", None) is None or not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    rows = list(selectors.deliverables_due(workspace=request.workspace, users=[request.user],
                                           start=today - timedelta(days=365),
                                           end=today + timedelta(days=7))[:20])
    if not rows:
        return None
    return {"template": "goals/_dashboard_panel.html", "order": 40, "rows": rows,
            "today": today}


# --- the plan page -----------------------------------------------------------------------------


@workspace_required
def client_goals(request, client_id):
    client = _client(request, client_id)
    return render(request, "goals/plan.html", {
        "client": client,
        "goals": selectors.goals_of(client),
        "work": selectors.work_items_of(client),
        "concerns": client.concerns.select_related("goal").order_by("status", "-created_at"),
        "advice": selectors.advice_of(client),
        "concern_statuses": ConcernStatus.choices,
    })


# --- goals -------------------------------------------------------------------------------------


@workspace_required
def goal_create(request, client_id):
    client = _client(request, client_id)
    form = GoalForm(request.POST or None)
    return _form_page(
        request, form, client=client, title="Add a goal", back=_plan_url(client), submit="Add goal",
        save=lambda d: services.goal_create(client=client, **_kw(d, services.GOAL_FIELDS)))


@workspace_required
def goal_edit(request, goal_id):
    goal = get_in_workspace(selectors.goal_qs(request.workspace), request.workspace, pk=goal_id)
    form = GoalForm(request.POST or None, instance=_fresh(goal))
    return _form_page(
        request, form, client=goal.client, title="Edit goal", back=_plan_url(goal.client),
        delete_url=reverse("goal_delete", args=[goal.pk]),
        save=lambda d: services.goal_update(goal=goal, **_kw(d, services.GOAL_FIELDS)))


# --- work items --------------------------------------------------------------------------------


@workspace_required
def work_item_create(request, client_id):
    client = _client(request, client_id)
    form = WorkItemForm(request.POST or None, workspace=request.workspace, client=client)
    created = {}

    def save(d):
        created["item"] = services.work_item_create(
            client=client, goals=d["goals"], **_kw(d, services.WORK_FIELDS))

    response = _form_page(request, form, client=client, title="Add a work item",
                          back=_plan_url(client), save=save, submit="Add work item")
    if created:
        return redirect("work_item_detail", item_id=created["item"].pk)
    return response


def _item(request, item_id):
    return get_in_workspace(selectors.work_item_qs(request.workspace), request.workspace,
                            pk=item_id)


@workspace_required
def work_item_detail(request, item_id):
    from ownup.ui.panels import panels_for

    item = _item(request, item_id)
    return render(request, "goals/work_item.html", {
        "item": item, "client": item.client,
        "deliverables": selectors.deliverables_of(item),
        "deliverable_form": DeliverableForm(workspace=request.workspace),
        "panels": panels_for("workitem", request=request, obj=item),
    })


@workspace_required
def work_item_edit(request, item_id):
    item = _item(request, item_id)
    form = WorkItemForm(request.POST or None, instance=_fresh(item), workspace=request.workspace,
                        client=item.client)
    return _form_page(
        request, form, client=item.client, title=f"Edit {item.title}",
        back=reverse("work_item_detail", args=[item.pk]),
        delete_url=reverse("work_item_delete", args=[item.pk]),
        save=lambda d: services.work_item_update(item=item, goals=d["goals"],
                                                 **_kw(d, services.WORK_FIELDS)))


@require_POST
@workspace_required
def deliverable_add(request, item_id):
    item = _item(request, item_id)
    form = DeliverableForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        try:
            services.deliverable_create(work_item=item, **_kw(form.cleaned_data,
                                                              services.DELIVERABLE_FIELDS))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['title']} is added.")
            return redirect("work_item_detail", item_id=item.pk)
    from ownup.ui.panels import panels_for

    return render(request, "goals/work_item.html", {
        "item": item, "client": item.client, "deliverables": selectors.deliverables_of(item),
        "deliverable_form": form, "panels": panels_for("workitem", request=request, obj=item),
    }, status=422)


def _deliverable(request, deliverable_id):
    return get_in_workspace(selectors.deliverable_qs(request.workspace), request.workspace,
                            pk=deliverable_id)


@workspace_required
def deliverable_edit(request, deliverable_id):
    d = _deliverable(request, deliverable_id)
    form = DeliverableForm(request.POST or None, instance=_fresh(d), workspace=request.workspace)
    return _form_page(
        request, form, client=d.work_item.client, title=f"Edit {d.title}",
        back=reverse("work_item_detail", args=[d.work_item_id]),
        delete_url=reverse("deliverable_delete", args=[d.pk]),
        extra={"date_changes": d.date_changes, "original_due": d.original_due_date},
        save=lambda data: services.deliverable_update(
            deliverable=d, reason=data.get("reason", ""), user=request.user,
            **_kw(data, services.DELIVERABLE_FIELDS)))


@require_POST
@workspace_required
def deliverable_done(request, deliverable_id):
    """htmx: tick a deliverable done (or not) and get its row back."""
    d = _deliverable(request, deliverable_id)
    d = services.deliverable_update(deliverable=d, done=request.POST.get("done") == "1")
    if request.headers.get("HX-Request"):
        return render(request, "goals/_deliverable_row.html", {"d": d})
    return redirect("work_item_detail", item_id=d.work_item_id)


# --- advice ------------------------------------------------------------------------------------


@workspace_required
def advice_create(request, client_id):
    client = _client(request, client_id)
    form = AdviceForm(request.POST or None, client=client,
                      initial={"given_on": timezone.localdate()})
    return _form_page(
        request, form, client=client, title="Log advice", back=_plan_url(client),
        submit="Log advice",
        save=lambda d: services.advice_create(client=client, user=request.user,
                                              **_kw(d, services.ADVICE_FIELDS)))


@workspace_required
def advice_edit(request, entry_id):
    entry = get_in_workspace(selectors.advice_qs(request.workspace), request.workspace,
                             pk=entry_id)
    form = AdviceForm(request.POST or None, instance=_fresh(entry), client=entry.client)
    return _form_page(
        request, form, client=entry.client, title="Edit advice", back=_plan_url(entry.client),
        delete_url=reverse("advice_delete", args=[entry.pk]),
        save=lambda d: services.advice_update(entry=entry, **_kw(d, services.ADVICE_FIELDS)))


# --- concerns ----------------------------------------------------------------------------------


@workspace_required
def concern_create(request, client_id):
    client = _client(request, client_id)
    form = ConcernForm(request.POST or None, client=client)
    return _form_page(
        request, form, client=client, title="Add a concern to raise", back=_plan_url(client),
        submit="Add concern",
        save=lambda d: services.concern_create(client=client, user=request.user,
                                               **_kw(d, services.CONCERN_FIELDS)))


def _concern(request, concern_id):
    return get_in_workspace(selectors.concern_qs(request.workspace), request.workspace,
                            pk=concern_id)


@workspace_required
def concern_edit(request, concern_id):
    concern = _concern(request, concern_id)
    form = ConcernForm(request.POST or None, instance=_fresh(concern), client=concern.client)
    return _form_page(
        request, form, client=concern.client, title="Edit concern",
        back=_plan_url(concern.client), delete_url=reverse("concern_delete", args=[concern.pk]),
        save=lambda d: services.concern_update(concern=concern,
                                               **_kw(d, services.CONCERN_FIELDS)))


@require_POST
@workspace_required
def concern_status(request, concern_id):
    """htmx: move a concern to raised / resolved and get its row back."""
    concern = _concern(request, concern_id)
    status = request.POST.get("status", "")
    if status not in ConcernStatus.values:
        return HttpResponse(f"{status!r} is not a concern status.", status=422)
    concern = services.concern_update(concern=concern, status=status)
    if request.headers.get("HX-Request"):
        return render(request, "goals/_concern_row.html", {
            "c": concern, "concern_statuses": ConcernStatus.choices})
    return redirect("client_goals", client_id=concern.client_id)


@workspace_required
def suggestion_check(request):
    """htmx: says while typing whether the suggestion proposes an action (solution first)."""
    from ownup.core.agenda import SOLUTION_FIRST_HINT, proposes_action

    text = request.GET.get("suggestion", request.POST.get("suggestion", ""))
    ok = proposes_action(text)
    return render(request, "goals/_suggestion_check.html",
                  {"ok": ok, "text": text, "hint": SOLUTION_FIRST_HINT})


# --- deletes (managers) ------------------------------------------------------------------------


def _delete_view(qs_of, service, kwarg, label):
    @require_POST
    @manager_required
    def view(request, pk):
        obj = get_in_workspace(qs_of(request.workspace), request.workspace, pk=pk)
        client_id = obj.work_item.client_id if hasattr(obj, "work_item") else obj.client_id
        service(**{kwarg: obj})
        messages.success(request, f"The {label} is deleted.")
        return redirect("client_goals", client_id=client_id)

    return view


goal_delete = _delete_view(selectors.goal_qs, services.goal_delete, "goal", "goal")
work_item_delete = _delete_view(selectors.work_item_qs, services.work_item_delete, "item",
                                "work item")
deliverable_delete = _delete_view(selectors.deliverable_qs, services.deliverable_delete,
                                  "deliverable", "deliverable")
advice_delete = _delete_view(selectors.advice_qs, services.advice_delete, "entry", "advice entry")
concern_delete = _delete_view(selectors.concern_qs, services.concern_delete, "concern", "concern")


# --- agenda ------------------------------------------------------------------------------------


def window(params) -> dict:
    """``weeks`` (deadlines ahead, 1-52) and ``days`` (track record period, 1-730) from a query."""
    out = {}
    for name, key, lo, hi, default in (("weeks", "weeks", 1, 52, selectors.DEFAULT_WEEKS),
                                       ("days", "period_days", 1, 730,
                                        selectors.DEFAULT_PERIOD_DAYS)):
        raw = params.get(name)
        raw = "" if raw is None else str(raw).strip()
        if not raw:
            out[key] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            raise ValidationError({name: f"{name} must be a whole number from {lo} to {hi}."})
        out[key] = value
    return out


def _agenda_context(request, client, *, text=None, errors=None) -> dict:
    from ownup.ui.tone_field import tone_field_context

    try:
        win = window(request.GET)
    except ValidationError as exc:
        errors = (errors or []) + exc.messages
        win = window({})
    generated = selectors.agenda_generated(client, **win)
    draft = selectors.agenda_draft(client)
    current = text if text is not None else (draft.text if draft else generated.to_text())
    return {
        "client": client, "agenda": generated, "draft": draft, "text": current,
        "tone_result": tone_field_context(current, "other"), "errors": errors or [],
        "weeks": win["weeks"], "days": win["period_days"],
    }


@workspace_required
def agenda(request, client_id):
    client = _client(request, client_id)
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.agenda_save(client=client, text=text, user=request.user)
        except ValidationError as exc:
            return render(request, "goals/agenda.html",
                          _agenda_context(request, client, text=text, errors=exc.messages),
                          status=422)
        messages.success(request, "Agenda saved. Regenerate it to start again from the records.")
        return redirect("client_agenda", client_id=client.pk)
    ctx = _agenda_context(request, client)
    return render(request, "goals/agenda.html", ctx, status=422 if ctx["errors"] else 200)


@require_POST
@workspace_required
def agenda_regenerate(request, client_id):
    client = _client(request, client_id)
    services.agenda_reset(client=client)
    messages.success(request, "Agenda regenerated from the current records.")
    return redirect("client_agenda", client_id=client.pk)


def _agenda_export(request, client):
    try:
        win = window(request.GET)
    except ValidationError as exc:
        return None, HttpResponse(" ".join(exc.messages), status=422,
                                  content_type="text/plain; charset=utf-8")
    text, _edited = selectors.agenda_text(client, **win)
    return text, None


@workspace_required
def agenda_text(request, client_id):
    client = _client(request, client_id)
    text, error = _agenda_export(request, client)
    if error:
        return error
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="agenda-{slugify(client.name)}.txt"')
    return response


@workspace_required
def agenda_pdf(request, client_id):
    from ownup.ui.pdf import text_pdf

    client = _client(request, client_id)
    text, error = _agenda_export(request, client)
    if error:
        return error
    title, _, body = text.partition("\n")
    response = HttpResponse(text_pdf(title, body.lstrip("\n")), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agenda-{slugify(client.name)}.pdf"'
    return response
