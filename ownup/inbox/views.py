"""Inbox pages: waiting on us (with a polled partial), a thread with its actions, the
unmatched queue and quarantine. Views only parse input and call services."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.accounts.selectors import get_in_workspace, phone_of
from ownup.clients.models import Client
from ownup.core.drafts import render_draft
from ownup.core.tone.gate import confirmed_from
from ownup.errors import Conflict
from ownup.pagination import MAX_OFFSET
from ownup.ui.forms import select_options, select_options_kept
from ownup.ui.panels import panels_for
from ownup.ui.tone_field import tone_field_context

from . import attachments, selectors
from .models import MessageChannel, MessageClass, Quarantine, Thread
from .services import assignment, replies
from .services import status as status_services

DASHBOARD_ROWS = 10


# --------------------------------------------------------------------------- waiting on us


def _filters(request) -> dict:
    """The list filters from the query string; foreign or malformed ids give 404."""
    ws = request.workspace
    f = {"client": "", "owner": "", "message_class": ""}
    if client := request.GET.get("client", ""):
        f["client"] = str(get_in_workspace(Client.objects.all(), ws, pk=client).pk)
    owner = request.GET.get("owner", "")
    if owner == "none":
        f["owner"] = "none"
    elif owner:
        if owner not in {uid for uid, _, _ in selectors.people_choices(ws)}:
            from django.http import Http404

            raise Http404("No such person.")
        f["owner"] = owner
    cls = request.GET.get("class", "")
    if cls in MessageClass.values:
        f["message_class"] = cls
    return f


def _linked(rows: list[tuple]) -> list[tuple]:
    """The rows (``selectors.list_rows``) with each thread's link (``t.url``) and its
    client's (``t.client_url``), reversed once a page rather than twice a row in the
    template (~2 ms for 50 rows), and its owner's name (``t.owner_name``: the full name,
    else the address, as ``User.get_full_name`` gives it)."""
    if not rows:
        return rows
    marker = "00000000-0000-0000-0000-000000000000"
    thread = reverse("thread_detail", args=[marker]).split(marker)
    client = reverse("client_detail", args=[marker]).split(marker)
    for t, _ in rows:
        t.url = f"{thread[0]}{t.pk}{thread[1]}"
        t.client_url = f"{client[0]}{t.client_id}{client[1]}" if t.client_id else ""
        t.owner_name = ((f"{t.owner_first_name} {t.owner_last_name}".strip() or t.owner_email)
                        if t.owner_id else "")
    return rows


class Slice:
    """One page of a list without counting the whole of it (the tabs carry capped counts)."""

    def __init__(self, qs, number: str | None, size: int = 50, ids_first: bool = False):
        try:  # bounded: an absurd number is an empty page, not an offset the database refuses
            self.number = min(max(int(number or 1), 1), MAX_OFFSET // size)
        except ValueError:
            self.number = 1
        start = (self.number - 1) * size
        if ids_first:
            self.object_list, self.has_next = selectors.rows_in_order(qs, start, start + size)
        else:
            rows = list(qs[start:start + size + 1])
            self.has_next = len(rows) > size
            self.object_list = rows[:size]
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.previous_page_number = self.number - 1
        self.next_page_number = self.number + 1

    def __iter__(self):
        return iter(self.object_list)


def _view_and_query(request) -> tuple[str, str]:
    view = request.GET.get("view", "")
    q = request.GET.get("q", "").strip()[:200]
    if view not in selectors.VIEW_KEYS:
        view = "everything" if q else "open"
    return view, q


def _waiting_context(request, limit: int | None = None) -> dict:
    f = _filters(request)
    view, q = _view_and_query(request)
    matches = selectors.search_matches(request.workspace, q) if q else None
    qs = selectors.desk_threads(workspace=request.workspace, view=view, user=request.user,
                                q=q, matches=matches, **f)
    ids_first = view == "open" and not q  # waiting on us: see selectors.rows_in_order
    if not ids_first:  # (rows_in_order reads its rows as list rows itself)
        qs = selectors.list_rows(qs)
    if limit is None:
        page = Slice(qs, request.GET.get("page"), ids_first=ids_first)
        threads = list(page)
    elif ids_first:
        page, threads = None, selectors.rows_in_order(qs, 0, limit)[0]
    else:
        page, threads = None, list(qs[:limit])
    pairs = (("view", view if view != "open" else ""), ("q", q), ("client", f["client"]),
             ("owner", f["owner"]), ("class", f["message_class"]))
    query = urlencode([(k, v) for k, v in pairs if v])
    return {
        "page": page,
        "rows": _linked(selectors.thread_rows(threads, workspace=request.workspace)),
        "filters": f,
        "query": query,
        "view": view,
        "q": q,
        "view_label": dict(selectors.VIEWS)[view],
        "matches": matches,
    }


def _tabs(request, view: str, q: str, matches=None) -> list[dict]:
    """The views with their counts (matches of ``q`` when searching), then quarantine."""
    counts = selectors.view_counts(workspace=request.workspace, user=request.user, q=q,
                                   matches=matches)
    tabs = []
    for key, label in selectors.VIEWS:
        params = urlencode([(k, v) for k, v in (("view", key), ("q", q)) if v])
        n = counts[key]
        tabs.append({"key": key, "label": label, "count": n,
                     "capped": n is not None and n > selectors.COUNT_CAP,
                     "current": key == view, "url": f"{reverse('inbox')}?{params}"})
    if request.membership.can_manage:
        n = selectors.capped_count(selectors.quarantine_list(workspace=request.workspace))
        tabs.append({"key": "quarantined", "label": "Quarantined", "count": n,
                     "capped": n > selectors.COUNT_CAP, "current": False,
                     "url": reverse("inbox_quarantine")})
    return tabs


@workspace_required
def inbox(request):
    """The desk: one view (waiting on us by default) or a search, with every view's count."""
    ctx = _waiting_context(request)
    f = ctx["filters"]
    clients = Client.objects.filter(workspace=request.workspace, archived_at__isnull=True)
    people = selectors.people_choices(request.workspace)
    tabs = _tabs(request, ctx["view"], ctx["q"], ctx["matches"])
    # Threads waiting to be matched: the "Unmatched" tab counts them already, unless it
    # counts a search's matches or stopped at the cap.
    unmatched = None if ctx["q"] else next(t["count"] for t in tabs if t["key"] == "unmatched")
    if unmatched is None or unmatched > selectors.COUNT_CAP:
        unmatched = selectors.unmatched_count(request.workspace)
    ctx.update(
        unmatched=unmatched,
        tabs=tabs,
        broad=bool(ctx["q"]) and tabs[0]["count"] is None,
        match_limit=selectors.SEARCH_MATCH_LIMIT,
        client_options=select_options_kept(
            ("inbox-clients", request.workspace.pk),
            tuple(clients.values_list("pk", "name")), f["client"]),
        owner_options=select_options(
            [(uid, name) for uid, _, name in people], f["owner"]),
        class_options=select_options(MessageClass.choices, f["message_class"]),
    )
    return render(request, "inbox/list.html", ctx)


@workspace_required
def inbox_rows(request):
    """The rows alone, polled every 30 s by the list and the dashboard panel."""
    limit = DASHBOARD_ROWS if request.GET.get("panel") else None
    ctx = _waiting_context(request, limit=limit)
    ctx["panel"] = bool(limit)
    return render(request, "inbox/_rows.html", ctx)


def my_work_panel(request, obj=None) -> dict | None:
    """The dashboard's first section: my own threads, what is about to fall due first."""
    if getattr(request, "workspace", None) is None or not request.user.is_authenticated:
        return None
    work = selectors.my_work(workspace=request.workspace, user=request.user)
    return {"template": "inbox/_my_work_panel.html", "order": -10, "cap": selectors.COUNT_CAP,
            **work, "rows": _linked(work["rows"])}


def dashboard_panel(request, obj=None) -> dict | None:
    """Waiting on us as the dashboard's first panel (always shown, even when empty)."""
    if getattr(request, "workspace", None) is None:
        return None
    qs = selectors.thread_list(workspace=request.workspace)
    threads, more = selectors.rows_in_order(qs, 0, DASHBOARD_ROWS)
    return {
        "template": "inbox/_dashboard_panel.html",
        "order": 0,
        "rows": _linked(selectors.thread_rows(threads, workspace=request.workspace)),
        "panel": True,
        "query": "",
        "more": max(selectors.waiting_count(request.workspace) - DASHBOARD_ROWS, 0)
        if more else 0,
    }


CLIENT_ROWS = 20


def client_panel(request, client=None) -> dict | None:
    """The client page's conversations, newest first, whatever their state."""
    if client is None or getattr(request, "workspace", None) is None:
        return None
    qs = selectors.desk_threads(workspace=request.workspace, view="everything",
                                user=request.user, client=str(client.pk))
    threads = list(selectors.list_rows(qs)[:CLIENT_ROWS + 1])
    return {
        "template": "inbox/_client_panel.html", "order": 5, "client": client,
        "rows": _linked(selectors.thread_rows(threads[:CLIENT_ROWS],
                                              workspace=request.workspace)),
        "more": len(threads) > CLIENT_ROWS,
        "all_url": f"{reverse('inbox')}?{urlencode({'view': 'everything', 'client': client.pk})}",
    }


# --------------------------------------------------------------------------- a thread


def _thread(request, thread_id) -> Thread:
    thread = get_in_workspace(
        selectors.thread_detail_qs(request.workspace), request.workspace, pk=thread_id
    )
    thread.workspace = request.workspace  # read by the panels: not fetched again
    return thread


def _draft_values(request, thread: Thread) -> dict:
    policy = selectors.PolicyCache(request.workspace)(thread)
    first_in = next((m for m in thread.messages.all() if m.direction == "inbound"), None)
    contact = ""
    if first_in is not None and thread.client_id:
        row = thread.client.contacts.filter(email__iexact=first_in.sender).first()
        contact = row.name.split()[0] if row and row.name else ""
    values = {
        "contact_name": contact,
        "client_name": thread.client.name if thread.client_id else "",
        "sender_name": request.user.get_full_name() or request.user.email,
        "subject_line": thread.subject,
        "phone": phone_of(request.user) or policy.emergency_phone or "",
    }
    if not thread.answered_at:
        from zoneinfo import ZoneInfo

        from ownup.core.drafts import promise_time

        values["next_step_time"] = promise_time(thread.respond_by, timezone.now(),
                                                ZoneInfo(policy.timezone))
    return {k: v for k, v in values.items() if v}


def _reply_form(request, thread: Thread, template_key: str = "") -> dict:
    """Subject, body and tone kind for the reply box, from a workspace template or blank."""
    from ownup.drafts.selectors import templates_for

    templates = templates_for(request.workspace) if template_key else {}
    if template_key in templates:
        tpl = templates[template_key]
        _, body = render_draft(tpl, _draft_values(request, thread))
        return {"subject": f"Re: {thread.subject}", "body": body, "kind": tpl.tone_kind,
                "template": template_key}
    return {"subject": f"Re: {thread.subject}" if thread.subject else "", "body": "",
            "kind": "other", "template": ""}


def _owner_options(request, thread: Thread):
    """The thread's owner picker: every person of the workspace, its owner selected."""
    people = selectors.people_choices(request.workspace)
    owner = next((uid for uid, pk, _ in people if pk == thread.owner_id), "")
    return select_options([(uid, name) for uid, _, name in people], owner)


def _detail_context(request, thread: Thread, reply: dict | None = None,
                    errors: list[str] | None = None, log: dict | None = None) -> dict:
    from ownup.drafts.selectors import templates_for

    reply = reply or _reply_form(request, thread)
    messages_list = list(thread.messages.all())
    deliveries = selectors.reply_deliveries(thread, messages_list)
    for m in messages_list:
        m.delivery = deliveries.get(m.pk)
    tone_result = tone_field_context(reply["body"], reply["kind"]) if reply["body"] else None
    return {
        "thread": thread,
        "clock": selectors.clock_state(thread),
        "messages_list": messages_list,
        "events": _events_in_words(request, thread),
        "reply": reply,
        "tone_result": tone_result,
        "templates": [(k, t.title) for k, t in templates_for(request.workspace).items()
                      if k != "agreement_cover"],
        "log": log or {},
        "errors": errors or [],
        "classes": MessageClass.choices,
        "owner_options": _owner_options(request, thread),
        "clients": Client.objects.filter(workspace=request.workspace, archived_at__isnull=True),
        "log_channels": [(c.value, c.label) for c in replies.LOG_CHANNELS],
        "panels": panels_for("thread", request=request, obj=thread),
    }


def _events_in_words(request, thread) -> list:
    """The thread's changes as the page says things: people by name (events store their
    addresses), statuses by their labels ('Waiting on client', not 'waiting_on_client')."""
    from .models import ThreadEventKind, ThreadStatus

    events = list(selectors.thread_events(thread))
    labels = {ThreadEventKind.STATUS: dict(ThreadStatus.choices)}
    if any(e.kind == ThreadEventKind.ASSIGNED for e in events):
        labels[ThreadEventKind.ASSIGNED] = {
            u.email: u.get_full_name() or u.email
            for u in selectors.workspace_people(request.workspace)}
    for e in events:
        words = labels.get(e.kind)
        if words:
            e.from_value = words.get(e.from_value, e.from_value)
            e.to_value = words.get(e.to_value, e.to_value)
    return events


@workspace_required
def thread_detail(request, thread_id):
    thread = _thread(request, thread_id)
    return render(request, "inbox/thread.html", _detail_context(request, thread))


@workspace_required
def thread_draft(request, thread_id):
    """The reply box filled from a message template (the template picker, htmx)."""
    thread = _thread(request, thread_id)
    reply = _reply_form(request, thread, request.GET.get("template", ""))
    ctx = _detail_context(request, thread, reply=reply)
    return render(request, "inbox/_reply_box.html", ctx)


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{m}" for msgs in exc.message_dict.values() for m in msgs]
    return exc.messages


def _act(request, thread: Thread, action, success: str, **ctx):
    """Run a service; success: flash and back to the thread; bad input: the page again, 422."""
    try:
        action()
    except ValidationError as exc:
        thread = _thread(request, thread.pk)
        return render(request, "inbox/thread.html",
                      _detail_context(request, thread, errors=_messages_of(exc), **ctx),
                      status=422)
    except Conflict as exc:
        thread = _thread(request, thread.pk)
        return render(request, "inbox/thread.html",
                      _detail_context(request, thread, errors=[str(exc)], **ctx), status=409)
    messages.success(request, success)
    return redirect("thread_detail", thread_id=thread.pk)


@require_POST
@workspace_required
def thread_reply(request, thread_id):
    thread = _thread(request, thread_id)
    post = request.POST
    reply = {"subject": post.get("subject", ""), "body": post.get("body", ""),
             "kind": post.get("tone_kind", "other"), "template": post.get("template", ""),
             "answers": post.get("answers") == "on"}
    return _act(request, thread, lambda: replies.thread_reply(
        thread=thread, user=request.user, subject=reply["subject"], body=reply["body"],
        kind=reply["kind"], tone_confirmed=confirmed_from(post), answers=reply["answers"],
    ), "Reply queued for sending.", reply=reply)


@require_POST
@workspace_required
def thread_status(request, thread_id):
    thread = _thread(request, thread_id)
    status = request.POST.get("status", "")
    return _act(request, thread, lambda: status_services.thread_set_status(
        thread=thread, status=status, user=request.user), "Thread updated.")


@require_POST
@workspace_required
def thread_classify(request, thread_id):
    thread = _thread(request, thread_id)
    return _act(request, thread, lambda: status_services.thread_classify(
        thread=thread, message_class=request.POST.get("message_class", ""), user=request.user,
        note=request.POST.get("note", "")), "Class changed; the clocks were recomputed.")


@require_POST
@workspace_required
def thread_assign(request, thread_id):
    thread = _thread(request, thread_id)
    owner_id = request.POST.get("owner", "")
    owner = None
    if owner_id:
        owner = {str(u.person.uid): u
                 for u in selectors.workspace_people(request.workspace)}.get(owner_id)
        if owner is None:
            return _act(request, thread, _raise({"owner": "No such person."}), "")
    return _act(request, thread, lambda: assignment.thread_assign(
        thread=thread, owner=owner, user=request.user), "Owner changed.")


def _raise(errors):
    def action():
        raise ValidationError(errors)

    return action


def _when(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({"at": f"{value!r} is not a date and time."}) from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@require_POST
@workspace_required
def thread_log(request, thread_id):
    thread = _thread(request, thread_id)
    post = request.POST
    log = {k: post.get(k, "") for k in ("channel", "direction", "who", "at", "summary",
                                         "next_step")}
    log["answers"] = post.get("answers") == "on"

    def action():
        replies.call_log(
            thread=thread, user=request.user, channel=log["channel"],
            direction=log["direction"] or "outbound", who=log["who"], at=_when(log["at"]),
            summary=log["summary"], next_step=log["next_step"], answers=log["answers"],
        )

    label = dict(MessageChannel.choices).get(log["channel"], "Call")
    return _act(request, thread, action, f"{label} logged.", log=log)


# --------------------------------------------------------------------------- queues


@workspace_required
def unmatched(request):
    """Threads from unknown senders: one click assigns a client (and the sender as contact)."""
    page = Paginator(selectors.unmatched_list(workspace=request.workspace), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/unmatched.html", {
        "page": page,
        "clients": Client.objects.filter(workspace=request.workspace, archived_at__isnull=True),
    })


@require_POST
@workspace_required
def unmatched_assign(request, thread_id):
    thread = _thread(request, thread_id)
    client_id = request.POST.get("client", "")
    try:
        client = Client.objects.get(workspace=request.workspace, pk=client_id)
    except (Client.DoesNotExist, ValueError, ValidationError):
        messages.error(request, "Choose a client.")
        return redirect("inbox_unmatched")
    try:
        assignment.thread_assign_client(
            thread=thread, client=client, user=request.user,
            add_contact=request.POST.get("add_contact") == "on",
        )
    except (ValidationError, Conflict) as exc:
        text = " ".join(_messages_of(exc)) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("inbox_unmatched")
    messages.success(request, f"Assigned to {client.name}; its clocks now run.")
    return redirect("inbox_unmatched")


@manager_required
def quarantine(request):
    page = Paginator(selectors.quarantine_list(workspace=request.workspace), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/quarantine.html", {"page": page})


@require_POST
@workspace_required
def agreement_send(request, client_id):
    """Send the working agreement to the chosen contacts; the conversation it starts shows
    whether it went."""
    from .agreement import agreement_contacts
    from .agreement import agreement_send as send

    client = get_in_workspace(Client.objects.all(), request.workspace, pk=client_id)
    try:
        contacts = agreement_contacts(client=client, refs=request.POST.getlist("contacts"))
        msg = send(client=client, contacts=contacts, user=request.user,
                   tone_confirmed=confirmed_from(request.POST))
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
        return redirect("client_agreement", client_id=client.pk)
    names = ", ".join(c.name for c in contacts)
    messages.success(request, f"The working agreement is on its way to {names}.")
    return redirect("thread_detail", thread_id=msg.thread_id)


@workspace_required
def attachment_download(request, attachment_id):
    return attachments.attachment_download(request.workspace, attachment_id)


@manager_required
def quarantine_raw(request, pk):
    row = get_in_workspace(Quarantine.objects.all(), request.workspace, uid=pk)
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="quarantine-{row.uid}.eml"'
    return response
