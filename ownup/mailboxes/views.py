"""Settings › Mailboxes: managers add IMAP mailboxes, test them and poll them now."""

from __future__ import annotations

import os
import socket

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required
from ownup.accounts.selectors import get_in_workspace
from ownup.errors import Conflict
from ownup.ui.forms import apply_errors

from . import selectors, services
from .forms import ConnectForm, MailboxForm
from .oauth import OAuthProblem, redirect_uri

POLL_BUDGET = 20  # seconds a "poll now" may take in a request; the worker reads the rest
FIELDS = ("name", "kind", "host", "port", "security", "username", "folder", "enabled",
          "poll_every_seconds")



@manager_required
def mailbox_list(request):
    return render(request, "mailboxes/list.html", {
        "mailboxes": selectors.mailbox_list(workspace=request.workspace)
        .select_related("grant"),
        "providers": selectors.provider_choices(),
    })


@manager_required
def mailbox_create(request):
    form = MailboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mailbox = services.mailbox_create(workspace=request.workspace,
                                              password=data["password"],
                                              **{k: data[k] for k in FIELDS})
        except Conflict as exc:
            form.add_error("name", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{mailbox.name} is added; use “Test connection” to check.")
            return redirect("mailbox_list")
    return render(request, "mailboxes/form.html", {"form": form, "mailbox": None},
                  status=422 if form.errors else 200)


@manager_required
def mailbox_edit(request, mailbox_id):
    mailbox = get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                               pk=mailbox_id)
    initial = {k: getattr(mailbox, k) for k in FIELDS}
    form = MailboxForm(request.POST or None, initial=initial, editing=True)
    if mailbox.is_oauth:  # signs in with its OAuth grant: no password to set
        del form.fields["password"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mailbox_update(mailbox=mailbox, password=data.get("password") or None,
                                    **{k: data[k] for k in FIELDS})
        except Conflict as exc:
            form.add_error("name", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("mailbox_list")
    return render(request, "mailboxes/form.html", {"form": form, "mailbox": mailbox},
                  status=422 if form.errors else 200)


@require_POST
@manager_required
def mailbox_test(request, mailbox_id):
    mailbox = get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                               pk=mailbox_id)
    ok, text = services.mailbox_test_connection(mailbox=mailbox)
    (messages.success if ok else messages.error)(request, f"{mailbox.name}: {text}")
    return redirect("mailbox_list")


@require_POST
@manager_required
def mailbox_poll(request, mailbox_id):
    mailbox = get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                               pk=mailbox_id)
    result = services.mailbox_poll(
        mailbox=mailbox, worker_id=f"web:{socket.gethostname()}:{os.getpid()}",
        budget_seconds=POLL_BUDGET,
    )
    level = messages.error if (result.error or result.skipped) else messages.success
    level(request, f"{mailbox.name}: {result.summary()}")
    return redirect("mailbox_list")


@require_POST
@manager_required
def mailbox_delete(request, mailbox_id):
    mailbox = get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                               pk=mailbox_id)
    services.mailbox_delete(mailbox=mailbox)
    messages.success(request, f"{mailbox.name} is removed; the mail it brought in stays.")
    return redirect("mailbox_list")


# --- OAuth 2.0 -----------------------------------------------------------------------------

def _continue(request, mailbox, url):
    """A page with a link to the provider's consent page (a link, not a redirect after the
    form: the Content-Security-Policy's form-action keeps form posts on this site)."""
    from urllib.parse import urlparse

    return render(request, "mailboxes/continue.html", {
        "mailbox": mailbox, "url": url, "host": urlparse(url).netloc})


@manager_required
def mailbox_connect(request, provider):
    from .models import Provider
    from .oauth import oauth_mailbox_create
    from .providers import missing_settings

    if provider not in Provider.values:
        raise Http404("unknown provider")
    missing = [] if provider == Provider.OIDC else missing_settings(provider)
    form = ConnectForm(request.POST or None, provider=provider)
    if request.method == "POST" and not missing and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            mailbox, url = oauth_mailbox_create(workspace=request.workspace, provider=provider,
                                                user=request.user, **data)
        except Conflict as exc:
            form.add_error("name", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        except OAuthProblem as exc:
            form.add_error(None, str(exc))
        else:
            if not url:
                messages.success(request, f"{mailbox.name} is connected (app-only access).")
                return redirect("mailbox_list")
            return _continue(request, mailbox, url)
    return render(request, "mailboxes/connect.html", {
        "form": form, "provider": Provider(provider), "missing": missing,
        "redirect_uri": redirect_uri(),
    }, status=422 if form.errors else 200)


@require_POST
@manager_required
def mailbox_reconnect(request, mailbox_id):
    from .oauth import oauth_connect_again

    mailbox = get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                               pk=mailbox_id, auth="oauth")
    try:
        url = oauth_connect_again(mailbox=mailbox, user=request.user)
    except OAuthProblem as exc:
        messages.error(request, f"{mailbox.name}: {exc}")
        return redirect("mailbox_list")
    if not url:
        messages.success(request, f"{mailbox.name} is connected again (app-only access).")
        return redirect("mailbox_list")
    return _continue(request, mailbox, url)


@require_POST
@manager_required
def mailbox_disconnect(request, mailbox_id):
    from .oauth import oauth_disconnect

    mailbox = get_in_workspace(selectors.mailbox_qs(request.workspace), request.workspace,
                               pk=mailbox_id, auth="oauth")
    outcome = oauth_disconnect(mailbox=mailbox)
    messages.success(request, f"{mailbox.name} is disconnected: {outcome}.")
    return redirect("mailbox_list")


def mailbox_oauth_callback(request):
    """Where the provider sends the person back (the redirect URI registered with it)."""
    from .oauth import oauth_finish

    user = request.user if request.user.is_authenticated else None
    try:
        mailbox = oauth_finish(
            state=request.GET.get("state", ""), code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            error_description=request.GET.get("error_description", ""), user=user)
    except OAuthProblem as exc:
        if user is None:
            return render(request, "mailboxes/callback.html", {"problem": str(exc)},
                          status=400)
        messages.error(request, str(exc))
        return redirect("mailbox_list")
    result = services.mailbox_poll(
        mailbox=mailbox, worker_id=f"web:{socket.gethostname()}:{os.getpid()}",
        budget_seconds=POLL_BUDGET)
    text = f"{mailbox.name} is connected as {mailbox.address}; first poll: {result.summary()}"
    if user is None:
        return render(request, "mailboxes/callback.html", {"done": text})
    (messages.error if result.error else messages.success)(request, text)
    return redirect("mailbox_list")
