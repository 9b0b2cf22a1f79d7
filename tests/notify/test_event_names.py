"""The escalation events' names (``escalation_ack`` / ``escalation_respond``, once
``ack_breached`` / ``respond_breached``): migration 0006 rewrites every stored row both ways,
and input still naming an old event means the new one."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from ownup.notify import channels, services
from ownup.notify.models import ChatChannel, Notification, NotifyRule
from ownup.notify.rules import DEFAULT_RULES

pytestmark = pytest.mark.django_db

migration = importlib.import_module("ownup.notify.migrations.0006_escalation_event_names")


def _rows(ws, user, *, ack: str, respond: str, ack_key: str, update_key: str):
    thread = uuid.uuid4()
    Notification.objects.create(
        workspace=ws, user=user, key=f"{ack_key}:{thread}:2026-11-23T11:00:00+00:00",
        event=ack, rule=ack, subject="Missed acknowledge-by", channel="in_app",
        due_at=timezone.now())
    Notification.objects.create(
        workspace=ws, user=user, key="incident:1:opened", event="incident_opened",
        rule="incident_opened", subject="Opened", channel="in_app", due_at=timezone.now())
    Notification.objects.create(
        workspace=ws, user=user, key=f"{update_key}:{thread}:2026-11-23T12:00:00+00:00",
        event=respond, rule=respond, subject="Missed client update", channel="in_app",
        due_at=timezone.now())
    NotifyRule.objects.create(workspace=ws, event=respond, enabled=False)
    return ChatChannel.objects.create(workspace=ws, label="Team", url_encrypted="x",
                                      events=[ack, "emergency", respond])


def _state():
    rows = Notification.objects.order_by("subject")
    return ([(n.event, n.rule, n.key.split(":")[0]) for n in rows],
            sorted(NotifyRule.objects.values_list("event", flat=True)),
            [c.events for c in ChatChannel.objects.all()])


def test_the_migration_renames_stored_rows_and_back(ws_a, member):
    _rows(ws_a, member, ack="ack_breached", respond="respond_breached", ack_key="ack-breached",
          update_key="update-breached")
    old = _state()
    migration.forwards(apps, None)
    assert _state() == (
        [("escalation_ack", "escalation_ack", "escalation-ack"),
         ("escalation_respond", "escalation_respond", "escalation-update"),
         ("incident_opened", "incident_opened", "incident")],
        ["escalation_respond"],
        [["escalation_ack", "emergency", "escalation_respond"]],
    )
    thread_part = Notification.objects.get(event="escalation_ack").key.split(":", 1)[1]
    assert thread_part.endswith("2026-11-23T11:00:00+00:00")  # the rest of the key kept
    migration.backwards(apps, None)
    assert _state() == old


def test_the_rules_know_only_the_new_names():
    assert {"escalation_ack", "escalation_respond"} <= set(DEFAULT_RULES)
    assert not {"ack_breached", "respond_breached"} & set(DEFAULT_RULES)
    assert DEFAULT_RULES["escalation_ack"].urgent


def test_an_old_name_as_input_means_the_new_one(ws_a, owner):
    row = services.rule_set(workspace=ws_a, event="respond_breached", enabled=False,
                            recipients=["thread_owner"], urgent=True)
    assert row.event == "escalation_respond"
    services.rule_reset(workspace=ws_a, event="respond_breached")
    assert not NotifyRule.objects.exists()
    channel = ChatChannel.objects.create(workspace=ws_a, label="Team", url_encrypted="x")
    channels.chat_channel_update(channel=channel, events=["ack_breached", "emergency"])
    channel.refresh_from_db()
    assert channel.events == ["escalation_ack", "emergency"]
    with pytest.raises(ValidationError) as err:
        channels.chat_channel_update(channel=channel, events=["ack_missed"])
    assert "ack_missed" in err.value.message_dict["events"][0]


def test_the_api_takes_an_old_name_and_answers_with_the_new(owner_api, ws_a):
    channel = ChatChannel.objects.create(workspace=ws_a, label="Team", url_encrypted="x")
    r = owner_api.patch(f"notification-channels/{channel.pk}", {"events": ["ack_breached"]})
    assert r.status_code == 200, r.content
    assert r.json()["events"] == ["escalation_ack"]
