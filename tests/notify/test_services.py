from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from ownup.notify import channels, outbox, services
from ownup.notify.models import Notification, OutboxEmail
from ownup.worker.loop import Worker
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db


def _notify(ws, users, key="k1", urgent=False, event="test"):
    return services.notify_users(workspace=ws, users=users, event=event, key=key,
                                 subject="Thread needs you", body="Acme is waiting",
                                 url="/inbox/x/", urgent=urgent)


def test_one_row_per_user_and_channel_and_idempotent(ws_a, owner, member, outsider, at_work):
    rows = _notify(ws_a, [owner, member, outsider])
    assert sorted((r.user.email, r.channel) for r in rows) == [
        ("member@a.example", "email"), ("member@a.example", "in_app"),
        ("owner@a.example", "email"), ("owner@a.example", "in_app")]
    again = _notify(ws_a, [owner, member])
    assert {r.pk for r in again} == {r.pk for r in rows}
    assert Notification.objects.count() == 4  # the outsider is not in the workspace
    in_app = Notification.objects.get(user=owner, channel="in_app")
    assert in_app.status == "sent" and in_app.read_at is None


def test_email_is_held_until_the_working_day_then_batched(ws_a, owner, settings):
    # Owner works 09:00-17:30 Europe/London Mon-Fri; Saturday evening is quiet.
    owner.profile.timezone = "Europe/London"
    owner.profile.save()
    with time_machine.travel(datetime(2026, 11, 21, 20, 0, tzinfo=UTC), tick=False):
        _notify(ws_a, [owner], key="a")
        _notify(ws_a, [owner], key="b")
        email = Notification.objects.filter(event="test", channel="email")
        assert {r.due_at for r in email} == {datetime(2026, 11, 23, 9, 0, tzinfo=UTC)}
        Worker(worker_id="w").run_once()
        assert not email.filter(status="sent").exists()
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC), tick=False):
        Worker(worker_id="w").run_once()
    assert Notification.objects.filter(event="test", channel="email", status="sent").count() == 2
    mail = OutboxEmail.objects.get(to=["owner@a.example"], subject__contains="notifications")
    # held notifications go out together (here with the week's digest, held too)
    assert mail.body.count("Thread needs you") == 2
    assert "http://" in mail.body


def test_urgent_ignores_quiet_hours_and_arrives_by_real_smtp(ws_a, owner, settings):
    with time_machine.travel(datetime(2026, 11, 21, 23, 0, tzinfo=UTC)):
        _notify(ws_a, [owner], urgent=True)
        with smtp_server() as (recorder, url):
            settings.EMAIL_URL = url
            Worker(worker_id="w").run_once()  # notification -> outbox
            Worker(worker_id="w").run_once()  # outbox -> SMTP
    (rcpts, msg), = recorder.messages
    assert rcpts == ["owner@a.example"] and msg["Subject"] == "Thread needs you"


def test_email_off_and_no_address(ws_a, owner, member, at_work):
    services.settings_update(workspace=ws_a, user=member, email=False, quiet_hours=True)
    rows = _notify(ws_a, [owner, member])
    assert {(r.user_id, r.channel) for r in rows} == {
        (owner.pk, "in_app"), (owner.pk, "email"), (member.pk, "in_app")}


def test_chat_channel_webhook_delivery_retry_and_dead_letter(ws_a, owner, webhook, at_work):
    ch = channels.chat_channel_create(workspace=ws_a, user=owner, label="Hook", url=webhook.url)
    assert webhook.url not in ch.url_encrypted and ch.url_hint.startswith("json://")
    _notify(ws_a, [owner], urgent=True)
    Worker(worker_id="w").run_once()
    row = Notification.objects.get(channel="apprise", event="test")
    assert row.status == "sent" and row.delivered_to == [str(ch.pk)]
    assert "Thread needs you" in [p["title"] for p in webhook.posts]
    webhook.fail = True
    _notify(ws_a, [owner], key="k2", urgent=True)
    for _ in range(outbox.MAX_ATTEMPTS):
        Notification.objects.filter(key="k2", status="queued").update(due_at=timezone.now())
        Worker(worker_id="w").run_once()
    dead = Notification.objects.get(key="k2", channel="apprise")
    assert dead.status == "dead" and dead.attempts == outbox.MAX_ATTEMPTS and dead.last_error
    webhook.fail = False
    services.notification_retry(row=dead)
    Worker(worker_id="w").run_once()
    dead.refresh_from_db()
    assert dead.status == "sent"


def test_chat_channel_validation(ws_a, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        channels.chat_channel_create(workspace=ws_a, user=owner, label="", url="nope")
    assert set(err.value.message_dict) == {"label", "url"}


def test_test_send(ws_a, owner, webhook):
    ch = channels.chat_channel_create(workspace=ws_a, user=owner, label="Hook", url=webhook.url)
    ok, error = channels.chat_channel_test(channel=ch)
    assert ok and not error and len(webhook.posts) == 1
    webhook.fail = True
    ok, error = channels.chat_channel_test(channel=ch)
    assert not ok and error


def test_mark_read(ws_a, owner, member, at_work):
    _notify(ws_a, [owner, member], key="a")
    _notify(ws_a, [owner], key="b")
    first = Notification.objects.get(user=owner, key="a", channel="in_app")
    assert services.notifications_mark_read(user=owner, workspace=ws_a, ids=[first.pk]) == 1
    assert services.notifications_mark_read(user=owner, workspace=ws_a) == 1
    assert Notification.objects.filter(user=member, read_at__isnull=True).exists()
