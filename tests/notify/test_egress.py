"""Chat/webhook channels post to public addresses only (SSRF, issue 15): refused at save
time after DNS resolution, and at send time on the address actually connected to."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ownup import secretbox
from ownup.notify import channels, delivery, egress
from ownup.notify.models import ChatChannel, Notification

INTERNAL = [
    "json://127.0.0.1:9911/x", "json://localhost:9911/x", "json://[::1]:9911/",
    "json://10.1.2.3/", "json://192.168.0.1/",
    "json://172.16.5.5/", "json://169.254.169.254/latest/meta-data/", "json://100.100.100.200/",
    "json://[fd00:ec2::254]/", "json://224.0.0.1/", "json://0.0.0.0:9911/",
    "jsons://240.0.0.1/", "xml://2130706433:9911/",
]


def _wait_quiet(listener):
    time.sleep(0.3)
    return listener.accepted


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused_when_saved(ws_a, owner, url):
    with pytest.raises(ValidationError) as err:
        channels.chat_channel_create(workspace=ws_a, user=owner, label="Hook", url=url)
    assert "public addresses" in err.value.message_dict["url"][0]
    assert not ChatChannel.objects.exists()


def test_public_addresses_are_accepted():
    assert egress.is_public("93.184.216.34") and egress.is_public("2606:4700::1111")
    for address in ("::ffff:127.0.0.1", "::ffff:10.0.0.1", "not an ip"):
        assert not egress.is_public(address)


def test_api_and_page_refuse_a_loopback_channel_and_the_listener_hears_nothing(
        owner_api, owner_web, listener):
    url = f"json://127.0.0.1:{listener.port}/hook"
    r = owner_api.post("notification-channels", {"label": "Hook", "url": url})
    assert r.status_code == 422 and "public addresses" in r.content.decode()
    r = owner_web.post("/notifications/channels/",
                       {"label": "Hook", "url": url, "scope": "me"})
    assert "public addresses" in r.content.decode() or r.status_code in (302, 200)
    assert not ChatChannel.objects.exists()
    assert _wait_quiet(listener) == []


def _saved_behind_the_check(ws_a, owner, url):
    """A channel whose name resolved to a public address when saved and now resolves to a
    private one (DNS rebinding): stored as the save would have stored it."""
    return ChatChannel.objects.create(workspace=ws_a, user=owner, label="Rebound",
                                      url_encrypted=secretbox.encrypt(url),
                                      url_hint="json://rebound")


def test_send_time_check_refuses_a_rebound_address_test_and_worker(ws_a, owner, listener,
                                                                   at_work):
    url = f"json://127.0.0.1:{listener.port}/hook"
    channel = _saved_behind_the_check(ws_a, owner, url)
    # the apprise sender itself refuses the connection (the check before it is not needed)
    ok, error = delivery.apprise_send(url, title="t", body="b")
    assert not ok
    assert channels.chat_channel_test(channel=channel) == (False, channels.TEST_FAILED)
    Notification.objects.create(workspace=ws_a, user=owner, channel="apprise", key="k1",
                                event="thread_reminder", subject="s", body="b",
                                due_at=timezone.now(), status="sending", claimed_by="w1")
    row = Notification.objects.get(key="k1")
    delivery.deliver_chat(row=row, worker_id="w1")
    row.refresh_from_db()
    assert row.status != "sent" and "not a public address" in row.last_error
    assert _wait_quiet(listener) == []


def test_the_test_button_is_no_reachability_oracle(ws_a, owner, listener, settings,
                                                   owner_api):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    refused = _saved_behind_the_check(ws_a, owner, f"json://127.0.0.1:{listener.port}/")
    settings.OWNUP_ALLOW_PRIVATE_WEBHOOKS = ["127.0.0.0/8"]
    unreachable = channels.chat_channel_create(
        workspace=ws_a, user=owner, label="Closed", url=f"json://127.0.0.1:{closed_port}/")
    answers = [owner_api.post(f"notification-channels/{unreachable.pk}/test").json()]
    settings.OWNUP_ALLOW_PRIVATE_WEBHOOKS = []
    answers.append(owner_api.post(f"notification-channels/{refused.pk}/test").json())
    assert answers[0] == answers[1] == {"ok": False, "error": channels.TEST_FAILED}
    assert _wait_quiet(listener) == []


def test_an_operator_can_allow_a_network(ws_a, owner, webhook, settings):
    settings.OWNUP_ALLOW_PRIVATE_WEBHOOKS = []
    with pytest.raises(ValidationError):
        channels.chat_channel_create(workspace=ws_a, user=owner, label="H", url=webhook.url)
    settings.OWNUP_ALLOW_PRIVATE_WEBHOOKS = ["127.0.0.1/32"]
    channel = channels.chat_channel_create(workspace=ws_a, user=owner, label="H",
                                           url=webhook.url)
    assert channels.chat_channel_test(channel=channel) == (True, "")
    assert len(webhook.posts) == 1


def test_the_setting_is_read_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from ownup.settings import _networks

    monkeypatch.setenv("OWNUP_ALLOW_PRIVATE_WEBHOOKS", " 10.0.0.0/8, fd00::/8 ,")
    assert _networks("OWNUP_ALLOW_PRIVATE_WEBHOOKS") == ["10.0.0.0/8", "fd00::/8"]
    monkeypatch.setenv("OWNUP_ALLOW_PRIVATE_WEBHOOKS", "10.0.0.0/8,intranet")
    with pytest.raises(ImproperlyConfigured, match="intranet"):
        _networks("OWNUP_ALLOW_PRIVATE_WEBHOOKS")
