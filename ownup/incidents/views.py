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
from ownup.accounts.people import members_by_ids
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.core import playbook as pb
from ownup.ui.forms import apply_errors

from . import selectors, services
from .forms import PICTURE, CorrectForm, IncidentForm, PictureForm, person_name, workspace_users
from .models import MOMENT_TEMPLATES, SEVERITY_CHOICES, IncidentStatus, Moment

ROWS = range(3)  # blank rows offered for options, adjusted dates and measures


def _incident(request, incident_id):
    return get_in_workspace(selectors.incident_qs(request.workspace), request.workspace,
                            pk=incident_id)



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


def _thread(request, thread_id):
    from ownup.inbox.models import Thread

    return get_in_workspace(Thread.objects.select_related("client"), request.workspace,
                            pk=thread_id)


@workspace_required
def incident_create(request):
    """Open an incident; ``?thread=<uuid>`` pre-fills client and title from a client thread
    and links it (a thread of another workspace is 404)."""
    initial = {"detected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    thread = None
    if thread_id := (request.POST.get("thread") or request.GET.get("thread")):
        thread = _thread(request, thread_id)
        initial["title"] = (thread.subject or "")[:200]
        initial["severity"] = selectors.severity_for_thread(thread)
        if thread.client_id:
            initial["client"] = thread.client
        if thread.last_message_at:  # the client's latest message is when we heard of it
            initial["detected_at"] = timezone.localtime(
                min(thread.last_message_at, timezone.now())).strftime("%Y-%m-%dT%H:%M")
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
                thread=thread, team=list(data.get("team") or ()),
                **{k: data[k] for k in PICTURE},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Incident opened. Work through the checklist below.")
            return redirect("incident_detail", incident_id=incident.pk)
    return render(request, "incidents/form.html", {"form": form, "thread": thread},
                  status=422 if form.errors else 200)


def _detail_context(request, incident, picture_form=None, errors=None,
                    correct_form=None) -> dict:
    from ownup.ui.panels import panels_for

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
        "update": selectors.update_state(incident),
        "director_summary": selectors.director_summary(incident),
        "is_director": request.membership.role in pb.OVERRIDE_ROLES,
        "threads": selectors.threads_of(incident),
        "linkable_threads": _linkable_threads(request, incident),
        "team": sorted(incident.team.all(), key=person_name),
        "people": [(u, person_name(u)) for u in workspace_users(request.workspace)],
        "correct_form": correct_form or CorrectForm(initial={
            "detected_at": timezone.localtime(incident.detected_at).strftime("%Y-%m-%dT%H:%M")}),
        "moments": Moment.choices,
        "client_messages": incident.messages.select_related("created_by"),
        "panels": panels_for("incident", request=request, obj=incident),
        "closing_draft": incident.messages.filter(moment=Moment.CLOSED).order_by(
            "-sent_at").values_list("body", flat=True).first() or "",
    }


def _linkable_threads(request, incident) -> list:
    from ownup.inbox.models import Thread

    linked = incident.thread_links.values_list("thread_id", flat=True)
    return list(Thread.objects.filter(workspace=request.workspace, client=incident.client)
                .exclude(pk__in=linked).order_by("-last_message_at")[:20])


@workspace_required
def incident_detail(request, incident_id):
    incident = _incident(request, incident_id)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


def _fail(request, incident, exc: ValidationError):
    return render(request, "incidents/detail.html",
                  _detail_context(request, incident, errors=exc.messages),
                  status=422)


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
            apply_errors(form, exc)
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
        data.update(how=text["how"], tone_confirmed=post.get("tone_confirmed", ""))
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
    on a ValidationError show the incident page again with the message (422; the form as
    it was sent comes back through ownup.web.middleware.KeepInputMiddleware)."""
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


@require_POST
@workspace_required
def incident_link_thread(request, incident_id):
    incident = _incident(request, incident_id)
    thread = _thread(request, request.POST.get("thread", ""))
    return _act(request, incident, lambda: services.incident_link_thread(
        incident=incident, thread=thread, user=request.user), success="Thread linked.")


@require_POST
@workspace_required
def incident_unlink_thread(request, incident_id, thread_id):
    incident = _incident(request, incident_id)
    thread = _thread(request, thread_id)
    return _act(request, incident, lambda: services.incident_unlink_thread(
        incident=incident, thread=thread, user=request.user), success="Thread unlinked.")


@require_POST
@workspace_required
def incident_team(request, incident_id):
    incident = _incident(request, incident_id)
    try:
        users = members_by_ids(request.workspace, request.POST.getlist("team"), "team")
    except ValidationError as exc:
        return _fail(request, incident, exc)
    return _act(request, incident, lambda: services.incident_set_team(
        incident=incident, users=users, user=request.user), success="Team saved.")


@require_POST
@workspace_required
def incident_correct(request, incident_id):
    """Correct when it was detected / whether it was foreseen, with a reason (timeline)."""
    incident = _incident(request, incident_id)
    form = CorrectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        foreseen = {"yes": True, "no": False}.get(data["foreseen"])
        try:
            services.incident_correct_facts(
                incident=incident, user=request.user, reason=data["reason"],
                detected_at=data["detected_at"], foreseen=foreseen)
        except ValidationError as exc:
            return render(request, "incidents/detail.html", _detail_context(
                request, incident, errors=exc.messages, correct_form=form), status=422)
        messages.success(request, "Corrected; the change is on the timeline.")
        return redirect("incident_detail", incident_id=incident.pk)
    errors = [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
    return render(request, "incidents/detail.html", _detail_context(
        request, incident, errors=errors, correct_form=form), status=422)


def _message_context(request, incident, moment, subject, body, gate=None, error=""):
    from ownup.drafts.selectors import template_for
    from ownup.ui.tone_field import tone_field_context

    template = template_for(request.workspace, MOMENT_TEMPLATES[moment])
    contact = selectors.primary_contact(incident.client)
    return {
        "incident": incident, "moment": moment, "moment_label": Moment(moment).label,
        "template": template, "subject": subject, "body": body,
        "tone_kind": template.tone_kind, "contact": contact,
        "tone_result": tone_field_context(body, template.tone_kind) if body else None,
        "gate": gate, "error": error,
    }


@workspace_required
def incident_message(request, incident_id, moment):
    """Draft the client message for a playbook moment from the workspace's template, checked
    as you type; record it (sent by phone/own mail) or queue it to the client's contact."""
    from ownup.core.drafts import render_draft
    from ownup.core.tone.gate import confirmed_from
    from ownup.drafts.selectors import template_for

    incident = _incident(request, incident_id)
    if moment not in Moment.values:
        from django.http import Http404

        raise Http404("Not found.")
    moment = Moment(moment)
    if request.method != "POST":
        template = template_for(request.workspace, MOMENT_TEMPLATES[moment])
        subject, body = render_draft(template, selectors.draft_values(incident, request.user))
        return render(request, "incidents/message.html",
                      _message_context(request, incident, moment, subject, body))
    subject = request.POST.get("subject", "")
    body = request.POST.get("body", "")
    confirmed = confirmed_from(request.POST)
    send = request.POST.get("action") == "send"
    contact = selectors.primary_contact(incident.client)
    try:
        services.incident_message_record(
            incident=incident, moment=moment, subject=subject, body=body,
            tone_confirmed=confirmed, user=request.user, send=send,
            to=[contact.email] if contact else [])
    except ValidationError as exc:
        return render(request, "incidents/message.html", _message_context(
            request, incident, moment, subject, body, error=" ".join(exc.messages)),
            status=422)
    messages.success(request, "Message queued to the client." if send else "Message recorded.")
    return redirect("incident_detail", incident_id=incident.pk)


def _sheet(incident, user=None) -> dict:
    from ownup.accounts.selectors import phone_of

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
        "contact": selectors.call_contact(incident.client),
        "caller": user,
        "caller_phone": phone_of(user),
    }


@workspace_required
def incident_call_sheet(request, incident_id):
    incident = _incident(request, incident_id)
    return render(request, "incidents/call_sheet.html", _sheet(incident, request.user))


def _contact_line(contact) -> str:
    if contact is None:
        return "Call: no contact recorded for this client"
    bits = [contact.name]
    if contact.role:
        bits.append(contact.role)
    number = contact.phone or "no number recorded"
    return (f"Call: {', '.join(bits)} on {number} (prefers "
            f"{contact.get_preferred_channel_display().lower()})")


def _caller_line(user, phone: str) -> str | None:
    if user is None:
        return None
    name = user.get_full_name() or user.email
    return (f"Caller: {name} on {phone} (the number to give for a call back)" if phone
            else f"Caller: {name} (no phone in your profile: add it in Settings)")


def call_sheet_text(incident, user=None) -> str:
    sheet = _sheet(incident, user)
    caller = _caller_line(user, sheet["caller_phone"])
    lines = [
        f"Incident: {incident.title} ({incident.get_severity_display()})",
        f"Client: {incident.client.name}",
        _contact_line(sheet["contact"]),
        *([caller] if caller else []),
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
    """A calendar invitation for the client call at ``selectors.call_time``: the earliest the
    severity's clock allows while the required call is still to make."""
    from icalendar import Calendar, Event

    incident = _incident(request, incident_id)
    now = timezone.now()
    start = selectors.call_time(incident, now)
    cal = Calendar()
    cal.add("prodid", "-//ownup//incidents//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"incident-{incident.pk}@ownup")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=30))
    event.add("summary", f"Call {incident.client.name}: {incident.title}")
    event.add("description", call_sheet_text(incident, request.user))
    cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.ics"'
    return response


def thread_panel(request, thread=None) -> dict | None:
    """The thread page's "Incidents" section: each incident the thread is linked to."""
    if thread is None or getattr(request, "workspace", None) is None:
        return None
    incidents = list(selectors.incidents_of_thread(thread))
    if not incidents:
        return None
    return {"template": "incidents/_thread_panel.html", "order": 5, "incidents": incidents}


def dashboard_panel(request, obj=None) -> dict | None:
    """The dashboard's "Open incidents" section beside waiting-on-us: each with its next step
    and when the client's next update is due (overdue ones first and marked)."""
    if getattr(request, "workspace", None) is None:
        return None
    rows = []
    now = timezone.now()
    for incident in selectors.open_incidents(request.workspace):
        step = selectors.incident_next_step(incident)
        rows.append((incident, pb.STEP_TITLES[step] if step else "",
                     selectors.update_state(incident, now)))
    if not rows:
        return None
    rows.sort(key=lambda r: (not r[2]["overdue"], r[2]["due"] is None,
                             r[2]["due"] or now))
    return {"template": "incidents/_dashboard_panel.html", "order": 15, "rows": rows,
            "overdue": sum(1 for r in rows if r[2]["overdue"])}
