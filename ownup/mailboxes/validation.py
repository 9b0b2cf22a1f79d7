"""The checks every mailbox passes before it is saved (password and OAuth alike)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ownup.errors import Conflict

from .models import AuthMethod, Mailbox, MailboxKind, Security


def validate_mailbox(mb: Mailbox, password: str | None) -> None:
    errors: dict[str, str] = {}
    mb.name = (mb.name or "").strip()
    mb.host = (mb.host or "").strip()
    mb.username = (mb.username or "").strip()
    mb.folder = (mb.folder or "").strip() or "INBOX"
    if not mb.name:
        errors["name"] = "Give the mailbox a name."
    elif len(mb.name) > 120:
        errors["name"] = "At most 120 characters."
    if not mb.host or any(c.isspace() for c in mb.host) or len(mb.host) > 255:
        errors["host"] = "Enter the IMAP server's host name."
    if not isinstance(mb.port, int) or not 1 <= mb.port <= 65535:
        errors["port"] = "A port is a number from 1 to 65535."
    if mb.kind not in MailboxKind.values:
        errors["kind"] = f"Must be one of: {', '.join(MailboxKind.values)}."
    if mb.security not in Security.values:
        errors["security"] = f"Must be one of: {', '.join(Security.values)}."
    if not mb.username or len(mb.username) > 255:
        errors["username"] = "Enter the login name."
    if len(mb.folder) > 255:
        errors["folder"] = "At most 255 characters."
    if not isinstance(mb.poll_every_seconds, int) or not 30 <= mb.poll_every_seconds <= 86400:
        errors["poll_every_seconds"] = "Poll every 30 seconds to once a day."
    if password is not None and len(password) > 1000:
        errors["password"] = "At most 1000 characters."
    if mb.auth == AuthMethod.PASSWORD and not mb.password_encrypted and not password:
        errors["password"] = "Enter the password."
    if errors:
        raise ValidationError(errors)
    clash = Mailbox.objects.filter(workspace_id=mb.workspace_id, name__iexact=mb.name)
    if clash.exclude(pk=mb.pk).exists():
        raise Conflict(f"A mailbox named {mb.name} already exists.")
