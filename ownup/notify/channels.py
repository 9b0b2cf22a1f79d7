"""Chat channels (apprise URLs, stored encrypted): add, change, remove, test."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

from django.db import transaction

from .delivery import apprise_send
from .models import ChatChannel

log = logging.getLogger("ownup.notify")


def url_hint(url: str) -> str:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    return f"{parsed.scheme}://{host}"[:120] if parsed.scheme else "?"


@transaction.atomic
def chat_channel_create(*, workspace, user, label: str, url: str, events=()) -> ChatChannel:
    """Add an apprise URL (user=None: a workspace channel). The URL is stored encrypted."""
    import apprise
    from django.core.exceptions import ValidationError

    from ownup import secretbox

    from . import egress
    from .rules import DEFAULT_RULES, event_name

    label, url = (label or "").strip(), (url or "").strip()
    events = [event_name(e) for e in events]
    errors = {}
    if not label:
        errors["label"] = "Give the channel a name (e.g. Team Slack)."
    elif len(label) > 80:
        errors["label"] = "Keep the name under 80 characters."
    if not url:
        errors["url"] = "Paste the channel's URL (e.g. slack://…, json://host/path)."
    elif len(url) > 2000 or not apprise.Apprise().add(url):
        errors["url"] = "This is not a URL apprise can send to (see apprise's list of services)."
    elif refusal := egress.url_refusal(url):
        errors["url"] = refusal
    bad = [e for e in events if e not in DEFAULT_RULES]
    if bad:
        errors["events"] = f"Unknown events: {', '.join(map(str, bad))}."
    if errors:
        raise ValidationError(errors)
    return ChatChannel.objects.create(
        workspace=workspace, user=user, label=label, url_encrypted=secretbox.encrypt(url),
        url_hint=url_hint(url), events=list(events),
    )


def chat_channel_update(*, channel: ChatChannel, label: str | None = None,
                        enabled: bool | None = None, events=None) -> ChatChannel:
    """Rename, switch on/off or (workspace channels) choose events. The URL never changes:
    remove the channel and add it again."""
    from django.core.exceptions import ValidationError

    from .rules import DEFAULT_RULES, event_name

    errors = {}
    if label is not None:
        label = label.strip()
        if not label:
            errors["label"] = "Give the channel a name."
        channel.label = label
    if enabled is not None:
        channel.enabled = bool(enabled)
    if events is not None:
        events = [event_name(e) for e in events]
        bad = [e for e in events if e not in DEFAULT_RULES]
        if bad:
            errors["events"] = f"Unknown events: {', '.join(map(str, bad))}."
        if channel.user_id is not None and events:
            errors["events"] = "Only workspace channels choose events."
        channel.events = list(events)
    if errors:
        raise ValidationError(errors)
    channel.save(update_fields=["label", "enabled", "events"])
    return channel


def chat_channel_delete(*, channel: ChatChannel) -> None:
    channel.delete()


TEST_FAILED = ("The channel did not take the test message. Check its URL (ownup posts to "
               "public addresses only) and that the service accepts it.")


def chat_channel_test(*, channel: ChatChannel) -> tuple[bool, str]:
    """Send a test message now (not through the queue): the button in settings.

    A failure reads the same whatever its cause (refused address, nothing listening, a
    timeout, an error from the service): the button is no probe of what the server can
    reach. The cause goes to the server's log."""
    from ownup import secretbox

    from . import egress

    url = secretbox.decrypt(channel.url_encrypted)
    try:
        ok, error = (False, refusal) if (refusal := egress.url_refusal(url)) else apprise_send(
            url, title="ownup test notification",
            body="If you can read this, ownup can reach this channel.")
    except Exception as exc:
        ok, error = False, f"{type(exc).__name__}: {exc}"
    if ok:
        return True, ""
    log.warning("chat channel %s: test failed: %s", channel.pk, error)
    return False, TEST_FAILED
