from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.clients.models import Client
from ownup.clients.selectors import client_list as clients_of
from ownup.core.agreement import render_agreement
from ownup.core.policy import (
    DEFAULT_POLICY,
    PolicyError,
    business_day,
    business_day_text,
    dump_policy,
    policy_from_dict,
    problem_sentence,
)
from ownup.errors import Conflict
from ownup.ui.pdf import text_pdf

from . import selectors, services
from .editor import document_from_post, editor_context

EXAMPLE_CLASSES = ("routine", "urgent")


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"policy": exc.messages}


def _policy(request, policy_id):
    return get_in_workspace(selectors.policy_list(workspace=request.workspace),
                            request.workspace, pk=policy_id)


@workspace_required
def policy_list(request):
    return render(request, "policies/list.html", {
        "policies": selectors.policy_list(workspace=request.workspace),
        "import_errors": [],
    })


@require_POST
@manager_required
def policy_import(request):
    upload = request.FILES.get("file")
    try:
        text = upload.read().decode("utf-8") if upload else request.POST.get("toml", "")
    except UnicodeDecodeError:
        text, errors = None, ["toml: the file is not UTF-8 text"]
    if text is not None:
        try:
            row = services.policy_create(workspace=request.workspace, toml_text=text,
                                         is_default=request.POST.get("is_default") == "on")
        except Conflict as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = [m for msgs in _errors_of(exc).values() for m in msgs]
        else:
            messages.success(request, f"{row.name} is imported.")
            return redirect("policy_detail", policy_id=row.pk)
    return render(request, "policies/list.html", {
        "policies": selectors.policy_list(workspace=request.workspace),
        "import_errors": errors, "toml": text or "",
    }, status=422)


def _editor(request, row, doc, errors=None, status=200):
    zone = _zone(doc.get("timezone"))
    ctx = editor_context(doc, errors)
    ctx.update({
        "policy": row,
        "preview_at": timezone.now().astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "clients": clients_of(workspace=request.workspace) if row else [],
    })
    return render(request, "policies/editor.html", ctx, status=status)


def _zone(name) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except Exception:  # any bad or missing name: the preview falls back to UTC
        return ZoneInfo("UTC")


@manager_required
def policy_new(request):
    if request.method != "POST":
        # A new policy starts in the workspace's own time zone.
        doc = dict(DEFAULT_POLICY, name="", timezone=request.workspace.timezone)
        return _editor(request, None, doc)
    doc = document_from_post(request.POST)
    try:
        row = services.policy_create(workspace=request.workspace, document=doc,
                                     is_default=request.POST.get("is_default") == "on")
    except Conflict as exc:
        return _editor(request, None, doc, {"name": [f"name: {exc}"]}, status=422)
    except ValidationError as exc:
        return _editor(request, None, doc, _errors_of(exc), status=422)
    messages.success(request, f"{row.name} is saved.")
    return redirect("policy_detail", policy_id=row.pk)


@workspace_required
def policy_detail(request, policy_id):
    row = _policy(request, policy_id)
    if request.method != "POST":
        return _editor(request, row, row.document)
    if not request.membership.can_manage:
        raise PermissionDenied("Your role in this workspace does not allow this.")
    doc = document_from_post(request.POST, base=row.document)
    try:
        services.policy_update(policy=row, document=doc)
    except Conflict as exc:
        return _editor(request, row, doc, {"name": [f"name: {exc}"]}, status=422)
    except ValidationError as exc:
        row.refresh_from_db()
        return _editor(request, row, doc, _errors_of(exc), status=422)
    messages.success(request, "Saved.")
    return redirect("policy_detail", policy_id=row.pk)


@workspace_required
def policy_preview(request):
    """htmx: deadlines for the example messages under the policy as currently edited."""
    doc = document_from_post(request.GET)
    try:
        policy = policy_from_dict(doc)
    except PolicyError as exc:
        return render(request, "policies/_preview.html",
                      {"problems": [problem_sentence(k, m) for k, m in exc.problems]})
    zone = ZoneInfo(policy.timezone)
    try:
        at = datetime.fromisoformat(request.GET.get("preview_at", "")).replace(tzinfo=zone)
    except ValueError:
        at = timezone.now().astimezone(zone).replace(second=0, microsecond=0)
    chosen = request.GET.get("preview_class", "routine")
    if chosen not in policy.class_names:
        chosen = policy.class_names[0]
    now_local = timezone.now().astimezone(zone)
    days = (4 - now_local.weekday()) % 7 or 7
    friday = datetime.combine(now_local.date() + timedelta(days=days),
                              datetime.min.time().replace(hour=17, minute=55), zone)
    examples = [(at, chosen)] + [(friday, c) for c in EXAMPLE_CLASSES if c in policy.class_names]
    rows = []
    for received, cls in examples:
        ack, respond = policy.deadlines(cls, received)
        rows.append({"received": _when(received), "class": cls,
                     "ack": _when(ack.astimezone(zone)),
                     "respond": _when(respond.astimezone(zone))})
    days_off = selectors.next_days_off(policy, today=now_local.date(), limit=5)
    day = business_day_text(policy.hours) if business_day(policy.hours) else ""
    return render(request, "policies/_preview.html",
                  {"rows": rows, "policy": policy, "days_off": days_off, "business_day": day,
                   "zone": policy.timezone})


def _when(moment: datetime) -> str:
    """"Fri 6 Mar 2026, 17:55" in the moment's own zone (Django's date filter would use UTC)."""
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


@workspace_required
def policy_export(request, policy_id):
    row = _policy(request, policy_id)
    response = HttpResponse(dump_policy(selectors.core_policy(row)),
                            content_type="application/toml; charset=utf-8")
    slug = "".join(c if c.isalnum() else "-" for c in row.name.lower()).strip("-") or "policy"
    response["Content-Disposition"] = f'attachment; filename="{slug}.toml"'
    return response


@require_POST
@manager_required
def policy_delete(request, policy_id):
    row = _policy(request, policy_id)
    try:
        services.policy_delete(policy=row)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("policy_detail", policy_id=row.pk)
    messages.success(request, f"{row.name} is deleted.")
    return redirect("policy_list")


@require_POST
@manager_required
def policy_default(request, policy_id):
    row = services.policy_set_default(policy=_policy(request, policy_id))
    messages.success(request, f"{row.name} is now the default policy.")
    return redirect("policy_detail", policy_id=row.pk)


@require_POST
@manager_required
def policy_assign(request, policy_id):
    """From the policy page: give the chosen client this policy."""
    row = _policy(request, policy_id)
    client = get_in_workspace(Client.objects.all(), request.workspace,
                              pk=request.POST.get("client", ""))
    services.policy_assign(client=client, policy=row)
    messages.success(request, f"{client.name} now follows {row.name}.")
    return redirect("policy_detail", policy_id=row.pk)


@require_POST
@manager_required
def client_policy_assign(request, client_id):
    """From the client page: choose a policy, or none to follow the workspace default."""
    client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    chosen = request.POST.get("policy", "")
    row = _policy(request, chosen) if chosen else None
    services.policy_assign(client=client, policy=row)
    messages.success(request, f"{client.name} now follows "
                              f"{row.name if row else 'the workspace default policy'}.")
    return redirect("client_detail", client_id=client.pk)


@workspace_required
def policy_agreement(request, policy_id):
    row = _policy(request, policy_id)
    agreement = render_agreement(selectors.core_policy(row), today=timezone.localdate())
    return _agreement_response(request, agreement, row, None)


@workspace_required
def client_agreement(request, client_id):
    client = get_in_workspace(Client.objects.select_related("policy"), request.workspace,
                              pk=client_id)
    row = selectors.effective_policy_row(client)
    contacts = list(client.contacts.filter(archived_at__isnull=True).exclude(email=""))
    agreement = render_agreement(
        selectors.policy_for_client(client), today=timezone.localdate(),
        client_name=client.name,
    ).addressed(contact_names=[c.name for c in contacts[:1]],
                agency_name=request.workspace.name,
                signed_by=request.user.get_full_name() or request.user.email)
    return _agreement_response(request, agreement, row, client, contacts)


def _agreement_response(request, agreement, row, client, contacts=()):
    """The agreement as a page, or ?format=txt (to paste in an email) or ?format=pdf."""
    fmt = request.GET.get("format", "html")
    name = slugify(client.name if client else agreement.policy_name) or "agreement"
    if fmt == "txt":
        response = HttpResponse(agreement.as_text(), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{name}-working-agreement.txt"'
        return response
    if fmt == "pdf":
        title = f"Working agreement{' with ' + client.name if client else ''}"
        pdf = text_pdf(title, agreement.as_text(), subtitle=f"Policy: {agreement.policy_name}")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}-working-agreement.pdf"'
        return response
    return render(request, "policies/agreement.html",
                  {"agreement": agreement, "policy": row, "client": client,
                   "contacts": contacts})


def client_policy_panel(request, client) -> dict:
    """The client page's "Response policy" section."""
    row = selectors.effective_policy_row(client)
    policy = selectors.core_policy(row)
    can_manage = request.membership is not None and request.membership.can_manage
    return {
        "template": "policies/_client_panel.html",
        "order": 20,
        "client": client,
        "policy_row": row,
        "policy_name": policy.name,
        "inherited": not client.policy_id,
        "days_off": selectors.next_days_off(policy, today=timezone.localdate()),
        "policies": selectors.policy_qs(request.workspace) if can_manage else None,
    }
