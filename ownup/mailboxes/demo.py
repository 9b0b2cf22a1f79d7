"""Demo mailboxes for `ownup demo`: the settings page shows what a configured inbox looks
like. They are paused (their server does not exist), so the worker never polls them."""

from __future__ import annotations

from django.utils import timezone

from .models import Mailbox
from .services import mailbox_create


def demo_mailboxes(workspace) -> None:
    if Mailbox.objects.filter(workspace=workspace).exists():
        return
    inbox = mailbox_create(
        workspace=workspace, name="Shared inbox", host="imap.northlight.example",
        username="hello@northlight.example", password="demo-not-a-real-password",
        folder="INBOX", enabled=False,
    )
    mailbox_create(
        workspace=workspace, name="Team sent folder", kind="sent_folder",
        host="imap.northlight.example", username="hello@northlight.example",
        password="demo-not-a-real-password", folder="Sent", enabled=False,
    )
    Mailbox.objects.filter(pk=inbox.pk).update(
        last_polled_at=timezone.now(), last_counts={"imported": 6, "duplicate": 1},
        next_poll_at=None,
    )
