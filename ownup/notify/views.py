"""Notifications: the bell, the list, personal and workspace channels, dead letters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required, workspace_required
from ownup.accounts.selectors import get_in_workspace
from ownup.ui.forms import apply_errors

from . import channels, outbox, selectors, services
from .forms import ChannelForm, SettingsForm


@workspace_required
def bell(request):
    count = selectors.unread_count(user=request.user, workspace=request.workspace)
    return render(request, "notify/_bell.html", {"unread": count})


@workspace_required
def notification_list(request):
    qs = selectors.inbox_of(user=request.user, workspace=request.workspace)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notify/list.html", {
        "page": page, "unread_only": bool(request.GET.get("unread")),
        "unread": selectors.unread_count(user=request.user, workspace=request.workspace),
    })


@require_POST
@workspace_required
def notification_read(request, notification_id):
    row = get_in_workspace(selectors.inbox_of(user=request.user, workspace=request.workspace),
                           request.workspace, pk=notification_id)
    services.notifications_mark_read(user=request.user, workspace=request.workspace,
                                     ids=[row.pk])
    if request.POST.get("go") and row.url and url_has_allowed_host_and_scheme(
            row.url, allowed_hosts={request.get_host()}):
        return redirect(row.url)
    return redirect("notification_list")


@require_POST
@workspace_required
def notification_read_all(request):
    n = services.notifications_mark_read(user=request.user, workspace=request.workspace)
    messages.success(request, f"Marked {n} notification{'s' if n != 1 else ''} read.")
    return redirect("notification_list")


def _settings_context(request, form=None, channel_form=None):
    ws, user = request.workspace, request.user
    pref = services.settings_of(workspace=ws, user=user)
    return {
        "form": form or SettingsForm(initial={"email": pref.email,
                                              "quiet_hours": pref.quiet_hours}),
        "channel_form": channel_form or ChannelForm(),
        "channels": selectors.channels_of(user=user, workspace=ws),
        "workspace_channels": selectors.workspace_channels(ws),
        "can_manage": request.membership.can_manage,
    }


@workspace_required
def notification_settings(request):
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            services.settings_update(workspace=request.workspace, user=request.user,
                                     **form.cleaned_data)
            messages.success(request, "Notification settings saved.")
            return redirect("notification_settings")
        return render(request, "notify/settings.html", _settings_context(request, form=form),
                      status=400)
    return render(request, "notify/settings.html", _settings_context(request))


@require_POST
@workspace_required
def channel_create(request):
    shared = request.POST.get("scope") == "workspace"
    if shared and not request.membership.can_manage:
        raise PermissionDenied("Only managers set up workspace channels.")
    form = ChannelForm(request.POST)
    if form.is_valid():
        try:
            channels.chat_channel_create(
                workspace=request.workspace, user=None if shared else request.user,
                label=form.cleaned_data["label"], url=form.cleaned_data["url"],
                events=form.cleaned_data["events"] if shared else (),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Channel added. Use “Send test” to check it.")
            return redirect("notification_settings")
    return render(request, "notify/settings.html",
                  _settings_context(request, channel_form=form), status=400)


def _channel(request, channel_id):
    channel = get_in_workspace(
        selectors.visible_channels(user=request.user, workspace=request.workspace),
        request.workspace, pk=channel_id)
    if channel.user_id is None and not request.membership.can_manage:
        raise PermissionDenied("Only managers change workspace channels.")
    return channel


@require_POST
@workspace_required
def channel_delete(request, channel_id):
    channel = _channel(request, channel_id)
    channels.chat_channel_delete(channel=channel)
    messages.success(request, f"Removed “{channel.label}”.")
    return redirect("notification_settings")


@require_POST
@workspace_required
def channel_test(request, channel_id):
    channel = _channel(request, channel_id)
    ok, error = channels.chat_channel_test(channel=channel)
    if ok:
        messages.success(request, f"Test sent to “{channel.label}”.")
    else:
        messages.error(request, f"The test to “{channel.label}” failed: {error}")
    return redirect("notification_settings")


@manager_required
def dead_letters(request):
    return render(request, "notify/dead.html", {
        "notifications": selectors.dead_notifications(request.workspace)[:200],
        "mails": selectors.dead_mail(request.workspace)[:200],
    })


@require_POST
@manager_required
def dead_retry(request, kind, item_id):
    if kind == "notification":
        row = get_in_workspace(selectors.dead_notifications(request.workspace),
                               request.workspace, pk=item_id)
        services.notification_retry(row=row)
    elif kind == "mail":
        row = get_in_workspace(selectors.dead_mail(request.workspace), request.workspace,
                               pk=item_id)
        outbox.outbox_retry(row=row)
    else:
        raise Http404("Not found.")
    messages.success(request, "Queued again; the worker will retry it.")
    return redirect("dead_letters")




@manager_required
def rules_page(request):
    from .models import NotifyRule
    from .rules import RECIPIENT_NAMES, rules_for

    overridden = set(NotifyRule.objects.filter(workspace=request.workspace)
                     .values_list("event", flat=True))
    errors = {}
    if request.method == "POST":
        event = request.POST.get("event", "")
        try:
            if request.POST.get("reset"):
                services.rule_reset(workspace=request.workspace, event=event)
            else:
                share = request.POST.get("lead_percent", "").strip()
                services.rule_set(
                    workspace=request.workspace, event=event,
                    enabled=bool(request.POST.get("enabled")),
                    recipients=request.POST.getlist("recipients"),
                    urgent=bool(request.POST.get("urgent")),
                    lead_share=float(share) / 100 if share else None,
                )
        except ValueError:
            errors = {"event": event, "messages": ["The reminder point must be a number (%)."]}
        except ValidationError as exc:
            errors = {"event": event, "messages": [m for ms in exc.message_dict.values()
                                                   for m in ms]}
        else:
            messages.success(request, "Rule saved.")
            return redirect("notification_rules")
    return render(request, "notify/rules.html", {
        "rules": rules_for(request.workspace), "overridden": overridden,
        "recipient_names": RECIPIENT_NAMES, "errors": errors,
    }, status=400 if errors else 200)
