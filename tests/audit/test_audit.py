"""The audit trail (sign-ins, tokens, roles, policies, exports) and sign-in lockout."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ownup.audit.models import AuditEvent
from ownup.core.policy import DEFAULT_POLICY
from tests.conftest import PASSWORD


def _sign_in(client, email, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_ins_and_failures_are_recorded(owner):
    c = Client()
    assert _sign_in(c, owner.email, "wrong").status_code == 200
    assert _sign_in(c, owner.email, PASSWORD).status_code == 302
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "target", "ip"))
    assert actions[-2:] == [("auth.login_failed", owner.email, "10.0.0.1"),
                            ("auth.login", owner.email, "10.0.0.1")]


def test_five_failures_lock_the_account_even_for_the_right_password(owner):
    c = Client()
    for _ in range(5):
        _sign_in(c, owner.email.upper(), "wrong")
    r = _sign_in(c, owner.email, PASSWORD)
    assert r.status_code == 200 and "Too many failed sign-ins" in r.content.decode()
    assert "_auth_user_id" not in c.session
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _sign_in(Client(), owner.email, PASSWORD).status_code == 302


def test_a_success_resets_the_count(owner):
    c = Client()
    for _ in range(4):
        _sign_in(c, owner.email, "wrong")
    assert _sign_in(c, owner.email, PASSWORD).status_code == 302
    for _ in range(4):
        _sign_in(Client(), owner.email, "wrong")
    assert _sign_in(Client(), owner.email, PASSWORD).status_code == 302


def test_token_role_and_policy_changes_are_audited(owner_web, owner, ws_a):
    r = owner_web.post("/settings/tokens/", {"name": "ci"})
    assert r.status_code == 200
    from ownup.policies.services import policy_create

    policy_create(workspace=ws_a, document=dict(DEFAULT_POLICY, name="Retainer"))
    actions = set(AuditEvent.objects.filter(workspace=ws_a).values_list("action", flat=True))
    assert {"member.role_set", "token.created", "policy.created"} <= actions
    token_event = AuditEvent.objects.get(action="token.created")
    assert token_event.actor == owner and token_event.ip == "127.0.0.1"


def test_events_are_append_only(owner):
    event = AuditEvent.objects.create(action="x.y")
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_audit_page_for_directors_only(owner_web, member_web, outsider_web, client, owner,
                                       outsider):
    _sign_in(Client(), owner.email, PASSWORD)
    page = owner_web.get("/settings/audit/")
    assert page.status_code == 200 and "auth.login" in page.content.decode()
    assert member_web.get("/settings/audit/").status_code == 403
    outsider_page = outsider_web.get("/settings/audit/").content.decode()
    assert owner.email not in outsider_page  # another workspace's sign-ins stay there
    r = client.get("/settings/audit/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_audit_api(owner_api, member_api, outsider_api, anon_api, ws_a):
    from ownup.policies.services import policy_create

    policy_create(workspace=ws_a, document=dict(DEFAULT_POLICY, name="Retainer"))
    r = owner_api.get("/api/v1/audit?action=policy")
    assert r.status_code == 200
    assert [e["action"] for e in r.json()["items"]] == ["policy.created"]
    assert member_api.get("/api/v1/audit").status_code == 403
    assert outsider_api.get("/api/v1/audit?action=policy").json()["items"] == []
    assert anon_api.get("/api/v1/audit").status_code == 401
