"""Incident pages: list, open, the playbook checklist with step forms, call sheet and .ics."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.core import playbook as pb

from . import selectors, services
from .forms import PICTURE, IncidentForm, PictureForm
from .models import SEVERITY_CHOICES, IncidentStatus

ROWS = range(3)  # blank rows offered for options, adjusted dates and measures


def _incident(request, incident_id):
    return get_in_workspace(selectors.incident_qs(request.workspace), request.workspace,
                            pk=incident_id)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@workspace_required
def incident_list(request):
    status = request.GET.get("status", "")
    severity = request.GET.get("severity", "")
    client_id = request.GET.get("client", "")
    client = None
    if client_id:
        client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    qs = selectors.incident_list(workspace=request.workspace, status=status, client=client,
                                 severity=severity)
    rows = [(i, selectors.incident_next_step(i)) for i in qs[:200]]
    return render(request, "incidents/list.html", {
        "rows": [(i, pb.STEP_TITLES[s] if s else "") for i, s in rows],
        "status": status, "severity": severity, "client": client,
        "statuses": IncidentStatus.choices, "severities": SEVERITY_CHOICES,
        "clients": Client.objects.filter(workspace=request.workspace, archived_at__isnull=True),
    })


@workspace_required
def incident_create(request):
    initial = {"detected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    if client_id := request.GET.get("client"):
        initial["client"] = get_in_workspace(Client.objects.all(), request.workspace,
                                             pk=client_id)
    form = IncidentForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_open(
                workspace=request.workspace, client=data["client"], severity=data["severity"],
                foreseen=data["foreseen"], detected_at=data["detected_at"], user=request.user,
                **{k: data[k] for k in PICTURE},
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Incident opened. Work through the checklist below.")
            return redirect("incident_detail", incident_id=incident.pk)
    return render(request, "incidents/form.html", {"form": form},
                  status=422 if form.errors else 200)


def _detail_context(request, incident, picture_form=None, errors=None) -> dict:
    facts = selectors.facts_of(incident)
    metrics = selectors.incident_metrics(incident)
    ok, missing = pb.can_close(facts)
    return {
        "incident": incident,
        "facts": facts,
        "checklist": pb.checklist(facts),
        "next_step": pb.next_step(facts),
        "next_step_title": pb.STEP_TITLES[pb.next_step(facts)] if pb.next_step(facts) else "",
        "can_close": ok,
        "close_missing": missing,
        "picture_form": picture_form or PictureForm(instance=incident),
        "metrics": [(k.replace("_", " ").capitalize(), selectors.format_metric(v))
                    for k, v in metrics.items()],
        "next_update_due": selectors.incident_next_update_due(incident),
        "timeline": selectors.timeline_of(incident),
        "severities": SEVERITY_CHOICES,
        "channels": pb.CHANNELS,
        "rows": ROWS,
        "steps": [(s.value, pb.STEP_TITLES[s]) for s in pb.STEP_ORDER
                  if s not in (pb.Step.OPEN, pb.Step.CLOSED)],
        "can_override": request.membership.role in pb.OVERRIDE_ROLES,
        "errors": errors or [],
    }


@workspace_required
def incident_detail(request, incident_id):
    incident = _incident(request, incident_id)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


def _fail(request, incident, exc: ValidationError):
    return render(request, "incidents/detail.html",
                  _detail_context(request, incident, errors=exc.messages), status=422)


@require_POST
@workspace_required
def incident_picture(request, incident_id):
    incident = _incident(request, incident_id)
    form = PictureForm(request.POST, instance=selectors.incident_qs(request.workspace)
                       .get(pk=incident.pk))
    if form.is_valid():
        try:
            services.incident_update_picture(incident=incident, user=request.user,
                                             **{k: form.cleaned_data[k] for k in PICTURE})
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Picture saved.")
            return redirect("incident_detail", incident_id=incident.pk)
    return render(request, "incidents/detail.html",
                  _detail_context(request, incident, picture_form=form), status=422)


def _when(value: str):
    """A datetime-local value in the workspace's timezone; blank means now."""
    value = (value or "").strip()
    if not value:
        return None
    from datetime import datetime

    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a date and time.") from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


def _rows(post, prefix: str, keys: tuple[str, ...]) -> list[dict]:
    out = []
    for n in ROWS:
        row = {k: post.get(f"{prefix}_{k}_{n}", "").strip() for k in keys}
        if any(row.values()):
            out.append(row)
    return out


def evidence_from_post(step: str, post) -> dict:
    """The evidence dict for ``step`` from a step form (see detail.html)."""
    data: dict = {"at": _when(post.get("at", ""))}
    text = {k: post.get(k, "") for k in (
        "channel", "notes", "facts", "how", "client_alternative", "goals", "what", "evidence",
        "postmortem_ref",
    )}
    if step == "informed":
        data.update(channel=text["channel"], notes=text["notes"])
    elif step == "huddled":
        data.update(participants=post.get("participants", ""), facts=text["facts"],
                    options=_rows(post, "option", ("what", "cost", "time", "risk")))
    elif step == "owned":
        data.update(how=text["how"], message_checked=post.get("message_checked") == "on")
    elif step == "plan_agreed":
        data.update(option_index=post.get("option_index", ""),
                    client_alternative=text["client_alternative"], goals=text["goals"],
                    timelines=_rows(post, "tl", ("deliverable", "original", "revised")))
    elif step == "fixed":
        data.update(what=text["what"], evidence=text["evidence"])
    elif step == "prevented":
        data.update(measures=_rows(post, "measure", ("what", "owner", "due")))
    elif step == "reviewed":
        data.update(postmortem_ref=text["postmortem_ref"])
    return data


def _act(request, incident, action, success: str = ""):
    """Run one playbook action: on success flash ``success`` and go back to the incident,
    on a ValidationError show the incident page again with the message (422)."""
    try:
        action()
    except ValidationError as exc:
        return _fail(request, incident, exc)
    if success:
        messages.success(request, success)
    return redirect("incident_detail", incident_id=incident.pk)


@require_POST
@workspace_required
def incident_step(request, incident_id, step):
    incident = _incident(request, incident_id)
    return _act(request, incident, lambda: services.incident_record_step(
        incident=incident, step=step, evidence=evidence_from_post(step, request.POST),
        user=request.user,
    ), success=f"{pb.STEP_TITLES.get(step, step)} recorded.")


@require_POST
@workspace_required
def incident_severity(request, incident_id):
    incident = _incident(request, incident_id)
    return _act(request, incident, lambda: services.incident_change_severity(
        incident=incident, user=request.user, severity=request.POST.get("severity", ""),
        reason=request.POST.get("reason", ""),
    ), success="Severity changed.")


@require_POST
@workspace_required
def incident_close(request, incident_id):
    incident = _incident(request, incident_id)
    return _act(request, incident, lambda: services.incident_close(
        incident=incident, user=request.user,
        closing_message=request.POST.get("closing_message", ""),
        override_reason=request.POST.get("override_reason", ""),
    ), success="Incident closed.")


@require_POST
@workspace_required
def incident_reopen(request, incident_id):
    incident = _incident(request, incident_id)
    return _act(request, incident, lambda: services.incident_reopen(
        incident=incident, user=request.user, reason=request.POST.get("reason", ""),
        clear=request.POST.getlist("clear"),
    ), success="Incident reopened.")


@require_POST
@workspace_required
def incident_note(request, incident_id):
    incident = _incident(request, incident_id)
    return _act(request, incident, lambda: services.incident_add_note(
        incident=incident, user=request.user, text=request.POST.get("text", ""),
    ))


def _sheet(incident) -> dict:
    facts = selectors.facts_of(incident)
    step = pb.next_step(facts)
    return {
        "incident": incident,
        "facts": facts,
        "options": facts.huddle.options if facts.huddle else (),
        "next_step": step,
        "next_step_title": pb.STEP_TITLES[step] if step else "",
        "next_step_help": pb.STEP_HELP[step] if step else "",
        "phone_call_needed": pb.phone_call_needed(facts),
    }


@workspace_required
def incident_call_sheet(request, incident_id):
    incident = _incident(request, incident_id)
    return render(request, "incidents/call_sheet.html", _sheet(incident))


def call_sheet_text(incident) -> str:
    sheet = _sheet(incident)
    lines = [
        f"Incident: {incident.title} ({incident.get_severity_display()})",
        f"Client: {incident.client.name}",
        f"What happened: {incident.what_happened or '-'}",
        f"Impact: {incident.impact_text or '-'}",
        f"What we own ({incident.get_responsibility_display()}): "
        f"{incident.responsibility_note or '-'}",
    ]
    for n, option in enumerate(sheet["options"], 1):
        lines.append(f"Option {n}: {option.what} (cost {option.cost or '-'}, "
                     f"time {option.time or '-'}, risk {option.risk or '-'})")
    if sheet["next_step"]:
        lines.append(f"Next step: {sheet['next_step_title']} - {sheet['next_step_help']}")
    return "\n".join(lines)


@workspace_required
def incident_ics(request, incident_id):
    """A calendar invitation for the client call, at the next update due (else soon)."""
    from icalendar import Calendar, Event

    incident = _incident(request, incident_id)
    now = timezone.now()
    start = selectors.incident_next_update_due(incident) or now + timedelta(minutes=30)
    start = max(start, now)
    cal = Calendar()
    cal.add("prodid", "-//ownup//incidents//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"incident-{incident.pk}@ownup")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=30))
    event.add("summary", f"Call {incident.client.name}: {incident.title}")
    event.add("description", call_sheet_text(incident))
    cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.ics"'
    return response


def dashboard_panel(request, obj=None) -> dict | None:
    """The dashboard's "Open incidents" section, each with its next step."""
    if getattr(request, "workspace", None) is None:
        return None
    rows = []
    for incident in selectors.open_incidents(request.workspace):
        step = selectors.incident_next_step(incident)
        rows.append((incident, pb.STEP_TITLES[step] if step else ""))
    if not rows:
        return None
    return {"template": "incidents/_dashboard_panel.html", "order": 30, "rows": rows}
