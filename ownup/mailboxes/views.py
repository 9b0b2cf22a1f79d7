"""Settings › Mailboxes: managers add IMAP mailboxes, test them and poll them now."""

from __future__ import annotations

import os
import socket

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ownup.accounts.decorators import manager_required
from ownup.accounts.selectors import get_in_workspace
from ownup.errors import Conflict
from ownup.ui.forms import apply_errors

from . import selectors, services
from .forms import MailboxForm

POLL_BUDGET = 20  # seconds a "poll now" may take in a request; the worker reads the rest
FIELDS = ("name", "kind", "host", "port", "security", "username", "folder", "enabled",
          "poll_every_seconds")



@manager_required
def mailbox_list(request):
    return render(request, "mailboxes/list.html", {
        "mailboxes": selectors.mailbox_list(workspace=request.workspace),
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mailbox_update(mailbox=mailbox, password=data["password"] or None,
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
