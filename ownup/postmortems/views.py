"""Post-mortem pages: list, start from an incident, edit with a live blame check, review,
publish (with a director's override when needed), export, and the shared read-only link."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.accounts.models import DIRECTING_ROLES, MANAGING_ROLES, Membership
from ownup.accounts.selectors import get_in_workspace
from ownup.errors import Conflict
from ownup.incidents.models import Incident
from ownup.learnings.models import FailureCategory

from . import selectors, services
from .blameless import blame_findings, people_names, people_roles, postmortem_texts
from .export import client_timeline, postmortem_markdown, postmortem_pdf
from .models import SECTIONS, ActionStatus, Postmortem, PostmortemStatus

SECTION_LABELS = {
    "summary": ("Summary", "What happened, in a few sentences. About the work, not people."),
    "client_impact": ("Client impact", "What it meant for the client and their audience."),
    "root_causes": ("Root causes", "Why it happened: the process, tools or conditions."),
    "went_well": ("What went well", ""),
    "could_be_better": ("What could have gone better", ""),
    "internal_notes": ("Internal notes", "Never shown in the client-safe version."),
}
BLANK_ROWS = 2


def _pm(request, postmortem_id) -> Postmortem:
    return get_in_workspace(selectors.postmortem_qs(request.workspace), request.workspace,
                            pk=postmortem_id)


def rows_from_post(post, prefix: str, keys: tuple[str, ...]) -> list[dict]:
    """Rows posted as ``<prefix>_<key>_<n>``, in order of n; all-blank rows dropped."""
    pattern = re.compile(rf"^{prefix}_({'|'.join(keys)})_(\d+)$")
    indices = sorted({int(m.group(2)) for k in post if (m := pattern.match(k))})
    out = []
    for n in indices:
        row = {k: post.get(f"{prefix}_{k}_{n}", "").strip() for k in keys}
        if any(v for k, v in row.items() if k not in ("id", "status", "category")):
            out.append(row)
    return out


def update_kwargs(post) -> dict:
    kwargs: dict = {k: post.get(k, "") for k in SECTIONS if k in post}
    kwargs["timeline"] = rows_from_post(post, "timeline", ("at", "text"))
    if any(f"why_{n}" in post for n in range(1, 6)):
        kwargs["five_whys"] = [post.get(f"why_{n}", "") for n in range(1, 6)]
    kwargs["learnings_rows"] = rows_from_post(
        post, "learning", ("id", "statement", "category", "service_line"))
    actions = rows_from_post(post, "action", ("id", "what", "owner", "due", "status"))
    kwargs["action_items"] = [{"id": a["id"], "what": a["what"], "owner_id": a["owner"] or None,
                               "due": a["due"] or None, "status": a["status"] or "open"}
                              for a in actions]
    return kwargs


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _context(request, pm: Postmortem, errors=None, posted=None) -> dict:
    role = request.membership.role
    learnings = list(pm.learnings.all())
    actions = list(pm.action_items.select_related("owner"))
    timeline = list(pm.timeline)
    if pm.editable:
        timeline += [{"at": "", "text": ""}] * BLANK_ROWS
        learnings += [None] * BLANK_ROWS
        actions += [None] * BLANK_ROWS
    whys = list(pm.five_whys)
    return {
        "pm": pm, "incident": pm.incident,
        "sections": [(k, *SECTION_LABELS[k], getattr(pm, k)) for k in SECTIONS],
        "timeline": timeline, "learnings": learnings, "actions": actions,
        "whys": (whys + [""] * 5)[:5] if whys else [],
        "categories": FailureCategory.choices, "action_statuses": ActionStatus.choices,
        "members": Membership.objects.filter(workspace=request.workspace)
        .select_related("user__person").order_by("user__first_name"),
        "comments": pm.comments.select_related("author"),
        "can_publish": role in MANAGING_ROLES, "can_override": role in DIRECTING_ROLES,
        "errors": errors or [],
        "share_url": request.build_absolute_uri(
            f"/postmortems/shared/{pm.share_token}/") if pm.share_token else "",
    }


@workspace_required
def postmortem_list(request):
    status = request.GET.get("status", "")
    return render(request, "postmortems/list.html", {
        "postmortems": selectors.postmortem_list(workspace=request.workspace, status=status),
        "status": status, "statuses": PostmortemStatus.choices,
        "without": Incident.objects.filter(workspace=request.workspace, status="closed",
                                           postmortem__isnull=True).select_related("client")[:50],
    })


@require_POST
@workspace_required
def postmortem_start(request, incident_id):
    incident = get_in_workspace(Incident.objects.select_related("client"), request.workspace,
                                pk=incident_id)
    existing = selectors.postmortem_for_incident(incident)
    if existing is not None:
        return redirect("postmortem_detail", postmortem_id=existing.pk)
    try:
        pm = services.postmortem_start(incident=incident, user=request.user)
    except Conflict:
        pm = selectors.postmortem_for_incident(incident)
    messages.success(request, "Post-mortem started from the template; the timeline is a copy "
                              "you can edit.")
    return redirect("postmortem_detail", postmortem_id=pm.pk)


@workspace_required
def postmortem_detail(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    if request.method == "POST":
        try:
            services.postmortem_update(postmortem=pm, user=request.user,
                                       **update_kwargs(request.POST))
        except ValidationError as exc:
            return render(request, "postmortems/detail.html",
                          _context(request, pm, errors=_errors(exc)), status=422)
        except Conflict as exc:
            return render(request, "postmortems/detail.html",
                          _context(request, pm, errors=[str(exc)]), status=409)
        pm.refresh_from_db()
        if pm.findings:
            messages.warning(request, f"Saved. {len(pm.findings)} sentence(s) point at a "
                                      "person — see the blame check.")
        else:
            messages.success(request, "Saved. The blame check found nothing.")
        return redirect("postmortem_detail", postmortem_id=pm.pk)
    return render(request, "postmortems/detail.html", _context(request, pm))


@require_POST
@workspace_required
def postmortem_check(request, postmortem_id):
    """The blame check of the form as typed (htmx), without saving."""
    pm = _pm(request, postmortem_id)
    kwargs = update_kwargs(request.POST)
    draft = Postmortem(workspace=pm.workspace, incident=pm.incident,
                       timeline=kwargs["timeline"], five_whys=kwargs.get("five_whys", []),
                       **{k: kwargs.get(k, "") for k in SECTIONS})

    class _Row:
        def __init__(self, text):
            self.statement = self.what = text

    findings = blame_findings(
        postmortem_texts(draft, learnings=[_Row(r["statement"]) for r in
                                           kwargs["learnings_rows"]],
                         action_items=[_Row(a["what"]) for a in kwargs["action_items"]]),
        people_names(pm.workspace, pm.incident.client),
        people_roles(pm.workspace, pm.incident.client))
    return render(request, "postmortems/_findings.html", {"findings": findings, "pm": pm})


def _transition(request, pm, action, success):
    try:
        action()
    except ValidationError as exc:
        return render(request, "postmortems/detail.html",
                      _context(request, pm, errors=_errors(exc)), status=422)
    except Conflict as exc:
        return render(request, "postmortems/detail.html",
                      _context(request, pm, errors=[str(exc)]), status=409)
    messages.success(request, success)
    return redirect("postmortem_detail", postmortem_id=pm.pk)


@require_POST
@workspace_required
def postmortem_submit(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    return _transition(request, pm, lambda: services.postmortem_submit(
        postmortem=pm, user=request.user), "Sent for review: reviewers can comment below.")


@require_POST
@workspace_required
def postmortem_back_to_draft(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    return _transition(request, pm, lambda: services.postmortem_back_to_draft(
        postmortem=pm, user=request.user), "Back to draft.")


@require_POST
@workspace_required
def postmortem_publish(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    return _transition(request, pm, lambda: services.postmortem_publish(
        postmortem=pm, user=request.user,
        override_reason=request.POST.get("override_reason", "")),
        "Published. Its learnings are now in the library.")


@require_POST
@workspace_required
def postmortem_comment(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    return _transition(request, pm, lambda: services.postmortem_comment(
        postmortem=pm, user=request.user, body=request.POST.get("body", "")), "Comment added.")


@require_POST
@manager_required
def postmortem_share(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    return _transition(request, pm, lambda: services.postmortem_share(
        postmortem=pm, user=request.user),
        "Read-only link created. Anyone with the link sees the client-safe version.")


@require_POST
@manager_required
def postmortem_unshare(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    return _transition(request, pm, lambda: services.postmortem_unshare(
        postmortem=pm, user=request.user), "Link revoked: it no longer works.")


@require_POST
@manager_required
def postmortem_delete(request, postmortem_id):
    pm = _pm(request, postmortem_id)
    try:
        services.postmortem_delete(postmortem=pm, user=request.user)
    except Conflict as exc:
        return render(request, "postmortems/detail.html",
                      _context(request, pm, errors=[str(exc)]), status=409)
    messages.success(request, "Post-mortem deleted.")
    return redirect("postmortem_list")


def _filename(pm, ext: str) -> str:
    return f"postmortem-{pm.pk}.{ext}"


@workspace_required
def postmortem_export(request, postmortem_id, fmt):
    pm = _pm(request, postmortem_id)
    if pm.status != PostmortemStatus.PUBLISHED:
        raise Http404("Only published post-mortems are exported.")
    client_safe = request.GET.get("version") == "client"
    return _export(pm, fmt, client_safe=client_safe)


def _export(pm, fmt: str, *, client_safe: bool) -> HttpResponse:
    try:
        return _export_response(pm, fmt, client_safe=client_safe)
    except ValidationError as exc:  # a placeholder would reach the client
        return HttpResponse(" ".join(exc.messages), status=422,
                            content_type="text/plain; charset=utf-8")


def _export_response(pm, fmt: str, *, client_safe: bool) -> HttpResponse:
    if fmt == "md":
        response = HttpResponse(postmortem_markdown(pm, client_safe=client_safe),
                                content_type="text/markdown; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(postmortem_pdf(pm, client_safe=client_safe),
                                content_type="application/pdf")
    else:
        raise Http404("Unknown format.")
    response["Content-Disposition"] = f'attachment; filename="{_filename(pm, fmt)}"'
    return response


def postmortem_shared(request, token):
    """The read-only, client-safe version behind a share link. No login; 404 once revoked."""
    pm = selectors.shared_postmortem(token)
    if pm is None:
        raise Http404("This link does not exist or was revoked.")
    fmt = request.GET.get("format", "")
    if fmt in ("md", "pdf"):
        return _export(pm, fmt, client_safe=True)
    response = render(request, "postmortems/shared.html", {
        "pm": pm, "incident": pm.incident, "learnings": pm.learnings.all(),
        "actions": pm.action_items.all(), "token": token,
        "timeline": [row.removeprefix("- ") for row in client_timeline(pm.incident)],
        "sections": [(SECTION_LABELS[k][0], getattr(pm, k)) for k in SECTIONS
                     if k != "internal_notes"],
    })
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@workspace_required
def postmortem_template(request):
    tpl = services.template_for(request.workspace)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.postmortem_template_save(
                workspace=request.workspace, user=request.user,
                five_whys=request.POST.get("five_whys") == "on",
                **{k: request.POST.get(k, "") for k in services.DEFAULT_TEMPLATE})
        except PermissionDenied:
            raise
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Template saved. New post-mortems start from it.")
            return redirect("postmortem_template")
    return render(request, "postmortems/template.html", {
        "tpl": tpl, "errors": errors, "labels": SECTION_LABELS,
        "fields": [(k, SECTION_LABELS[k][0], tpl[k]) for k in services.DEFAULT_TEMPLATE],
        "can_edit": request.membership.role in MANAGING_ROLES,
    }, status=422 if errors else 200)


def incident_panel(request, incident) -> dict | None:
    """On the incident page: its post-mortem (or a button to start one)."""
    if incident is None or getattr(request, "workspace", None) is None:
        return None
    return {"template": "postmortems/_incident_panel.html", "order": 40,
            "pm": selectors.postmortem_for_incident(incident), "incident": incident}
