import pytest
from django.urls import reverse

from ownup.notify import outbox, services
from ownup.notify.models import ChatChannel, Notification, OutboxEmail
from tests.conftest import assert_login_redirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(ws_a, owner, member, at_work):
    services.notify_users(workspace=ws_a, users=[owner, member], event="test", key="k1",
                          subject="Reply to Harbour", body="Waiting <b>since</b> 9",
                          url="/inbox/")
    services.notify_users(workspace=ws_a, users=[owner], event="test", key="k2",
                          subject="Second", body="b")
    return Notification.objects.filter(user=owner, channel="in_app").order_by("created_at")


def test_bell_counts_unread_and_header_loads_it(owner_web, notes):
    page = owner_web.get(reverse("dashboard"))
    assert reverse("notification_bell") in page.content.decode()
    bell = owner_web.get(reverse("notification_bell"))
    assert bell.status_code == 200 and 'data-unread="2"' in bell.content.decode()


def test_list_escapes_and_marks_read(owner_web, owner, notes):
    page = owner_web.get(reverse("notification_list")).content.decode()
    assert "Reply to Harbour" in page and "&lt;b&gt;since" in page
    first = notes[0]
    r = owner_web.post(reverse("notification_read", args=[first.pk]), {"go": "1"})
    assert r.status_code == 302 and r["Location"] == "/inbox/"
    first.refresh_from_db()
    assert first.read_at
    owner_web.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(user=owner, channel="in_app", read_at=None).exists()
    bell = owner_web.get(reverse("notification_bell")).content.decode()
    assert "data-unread" not in bell


def test_others_notifications_are_404(member_web, outsider_web, notes):
    mine = notes[0]  # the owner's
    assert member_web.post(reverse("notification_read", args=[mine.pk])).status_code == 404
    assert outsider_web.post(reverse("notification_read", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None
    assert "Reply to Harbour" not in outsider_web.get(reverse("notification_list")).content.decode()


def test_settings_and_channels(owner_web, member_web, outsider_web, ws_a, owner, member,
                               webhook):
    r = owner_web.post(reverse("notification_settings"), {"quiet_hours": "on"})
    assert r.status_code == 302
    assert services.settings_of(workspace=ws_a, user=owner).email is False
    r = owner_web.post(reverse("notification_channel_create"),
                       {"label": "Hook", "url": webhook.url, "scope": "me"})
    assert r.status_code == 302
    ch = ChatChannel.objects.get(user=owner)
    page = owner_web.get(reverse("notification_settings")).content.decode()
    assert "Hook" in page and "/hook" not in page  # the URL is never shown again
    r = owner_web.post(reverse("notification_channel_test", args=[ch.pk]))
    assert r.status_code == 302 and len(webhook.posts) == 1
    bad = owner_web.post(reverse("notification_channel_create"),
                         {"label": "x", "url": "not a url", "scope": "me"})
    assert bad.status_code == 400 and "apprise" in bad.content.decode()
    # members cannot add workspace channels nor touch someone else's
    assert member_web.post(reverse("notification_channel_create"), {
        "label": "Team", "url": webhook.url, "scope": "workspace"}).status_code == 403
    assert member_web.post(reverse("notification_channel_test", args=[ch.pk])).status_code == 404
    assert outsider_web.post(reverse("notification_channel_delete", args=[ch.pk])
                             ).status_code == 404
    owner_web.post(reverse("notification_channel_create"), {
        "label": "Team", "url": webhook.url, "scope": "workspace", "events": ["emergency"]})
    shared = ChatChannel.objects.get(user=None)
    assert shared.events == ["emergency"]
    assert member_web.post(reverse("notification_channel_delete", args=[shared.pk])
                           ).status_code == 403
    assert owner_web.post(reverse("notification_channel_delete", args=[ch.pk])
                          ).status_code == 302
    assert not ChatChannel.objects.filter(pk=ch.pk).exists()


def test_dead_letters_page_and_retry(owner_web, member_web, outsider_web, ws_a, owner, notes):
    row = Notification.objects.filter(user=owner, channel="email").first()
    Notification.objects.filter(pk=row.pk).update(status="dead", attempts=6, last_error="boom")
    mail = outbox.outbox_enqueue(to=["x@y.example"], subject="Lost mail", body="b",
                                   workspace=ws_a)
    OutboxEmail.objects.filter(pk=mail.pk).update(status="dead", last_error="550 no")
    page = owner_web.get(reverse("dead_letters")).content.decode()
    assert "boom" in page and "Lost mail" in page
    assert member_web.get(reverse("dead_letters")).status_code == 403
    assert outsider_web.post(reverse("dead_retry", args=["mail", mail.pk])).status_code == 404
    assert owner_web.post(reverse("dead_retry", args=["notification", row.pk])).status_code == 302
    assert owner_web.post(reverse("dead_retry", args=["mail", mail.pk])).status_code == 302
    assert owner_web.post(reverse("dead_retry", args=["other", mail.pk])).status_code == 404
    row.refresh_from_db()
    mail.refresh_from_db()
    assert row.status == "queued" and mail.status == "queued"


PAGES = ["notification_list", "notification_bell", "notification_settings", "dead_letters"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(anon_web, name):
    assert_login_redirect(anon_web.get(reverse(name)))


def test_anonymous_posts_are_sent_to_login(anon_web, notes):
    import uuid

    for url in [reverse("notification_read_all"), reverse("notification_read", args=[notes[0].pk]),
                reverse("notification_channel_create"),
                reverse("notification_channel_test", args=[uuid.uuid4()]),
                reverse("notification_channel_delete", args=[uuid.uuid4()]),
                reverse("dead_retry", args=["mail", uuid.uuid4()])]:
        assert_login_redirect(anon_web.post(url))


# ----------------------------------------------------------------------------- API


def test_api_list_and_mark_read(owner_api, outsider_api, anon_api, notes):
    r = owner_api.get("notifications")
    assert r.status_code == 200 and r.json()["count"] == 2
    assert owner_api.get("notifications/unread").json() == {"unread": 2}
    first = str(notes[0].pk)
    r = owner_api.post("notifications/read", {"ids": [first]})
    assert r.json() == {"marked": 1, "unread": 1}
    assert owner_api.post("notifications/read", {}).json() == {"marked": 1, "unread": 0}
    assert outsider_api.get("notifications").json()["count"] == 0
    assert outsider_api.post("notifications/read", {"ids": [first]}).json()["marked"] == 0
    assert anon_api.get("notifications").status_code == 401
    assert anon_api.post("notifications/read", {}).status_code == 401
    assert owner_api.post("notifications/read", {"ids": ["nope"]}).status_code == 422


def test_api_channels_crud_write_only(owner_api, member_api, outsider_api, anon_api, webhook):
    r = owner_api.post("notification-channels", {"label": "Hook", "url": webhook.url})
    assert r.status_code == 201 and "url" not in r.json() and r.json()["url_hint"]
    cid = r.json()["id"]
    assert webhook.url not in str(owner_api.get("notification-channels").json())
    assert owner_api.post(f"notification-channels/{cid}/test").json() == {"ok": True,
                                                                           "error": ""}
    bad = owner_api.post("notification-channels", {"label": "", "url": "zzz"})
    assert bad.status_code == 422
    assert member_api.post("notification-channels", {"label": "T", "url": webhook.url,
                                                     "workspace": True}).status_code == 403
    assert member_api.delete(f"notification-channels/{cid}").status_code == 404
    assert outsider_api.post(f"notification-channels/{cid}/test").status_code == 404
    assert outsider_api.delete(f"notification-channels/{cid}").status_code == 404
    assert anon_api.get("notification-channels").status_code == 401
    assert anon_api.delete(f"notification-channels/{cid}").status_code == 401
    r = owner_api.patch(f"notification-channels/{cid}", {"enabled": False, "label": "Off"})
    assert r.status_code == 200 and r.json()["enabled"] is False and r.json()["label"] == "Off"
    assert owner_api.patch(f"notification-channels/{cid}", {"label": " "}).status_code == 422
    assert owner_api.patch(f"notification-channels/{cid}",
                           {"events": ["emergency"]}).status_code == 422  # personal channel
    assert outsider_api.patch(f"notification-channels/{cid}", {"enabled": True}
                              ).status_code == 404
    assert anon_api.patch(f"notification-channels/{cid}", {"enabled": True}).status_code == 401
    assert owner_api.delete(f"notification-channels/{cid}").status_code == 204
    assert owner_api.get("notification-channels").json() == []


def test_rules_page_edits_workspace_rules(owner_web, member_web, outsider_web, anon_web, ws_a,
                                          client_a, director):
    from ownup.notify.rules import recipients_for, rule_for

    url = reverse("notification_rules")
    page = owner_web.get(url).content.decode()
    assert "Acknowledge-by approaching" in page and 'value="25"' in page
    r = owner_web.post(url, {"event": "ack_approaching", "recipients": ["thread_owner",
                             "client_director"], "lead_percent": "40", "enabled": "on"})
    assert r.status_code == 302
    rule = rule_for(ws_a, "ack_approaching")
    assert rule.lead_share == 0.4 and rule.recipients == ("thread_owner", "client_director")
    r = owner_web.post(url, {"event": "incident_opened", "recipients": []})  # switched off
    assert r.status_code == 302 and recipients_for(ws_a, "incident_opened", client=client_a) == []
    bad = owner_web.post(url, {"event": "ack_approaching", "recipients": ["thread_owner"],
                               "lead_percent": "150", "enabled": "on"})
    assert bad.status_code == 400 and "between 1% and 99%" in bad.content.decode()
    assert owner_web.post(url, {"event": "nope"}).status_code == 400
    assert owner_web.post(url, {"event": "ack_approaching", "lead_percent": "x",
                                "recipients": ["thread_owner"]}).status_code == 400
    owner_web.post(url, {"event": "incident_opened", "reset": "1"})
    assert recipients_for(ws_a, "incident_opened", client=client_a) == [director]
    assert member_web.get(url).status_code == 403
    assert outsider_web.get(url).status_code == 200  # their own workspace's rules
    assert outsider_web.post(url, {"event": "ack_approaching", "recipients": []}
                             ).status_code == 302
    assert rule_for(ws_a, "ack_approaching").lead_share == 0.4  # ours untouched
    assert_login_redirect(anon_web.get(url))
