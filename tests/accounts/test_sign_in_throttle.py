"""Sign-in and password-reset throttling (issue 15, "Sign-in and accounts")."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.test import Client
from django.utils import timezone

from ownup.audit.models import AuditEvent
from ownup.audit.selectors import audit_events
from tests.conftest import PASSWORD


def _sign_in(email, password, ip="10.0.0.1", path="/login/"):
    c = Client()
    data = {"username": email, "password": password}
    if path.startswith("/admin/"):
        data["next"] = "/admin/"
    return c, c.post(path, data, REMOTE_ADDR=ip)


def test_admin_login_is_throttled_like_the_sign_in_page(owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    for _ in range(5):
        _sign_in(owner.email, "wrong", path="/admin/login/")
    c, r = _sign_in(owner.email, PASSWORD, path="/admin/login/")
    assert r.status_code == 200 and "Too many failed sign-ins" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # and the two forms share the count: the sign-in page is locked too
    _, r = _sign_in(owner.email, PASSWORD)
    assert "Too many failed sign-ins" in r.content.decode()


def test_thirty_failures_from_one_address_lock_no_other_account_there(owner):
    for i in range(30):
        _sign_in(f"nobody{i}@x.example", "wrong", ip="10.9.9.9")
    _, r = _sign_in(owner.email, PASSWORD, ip="10.9.9.9")
    assert r.status_code == 302


def test_an_address_spraying_many_accounts_is_stopped_by_the_gentler_limit(owner):
    from ownup.accounts.throttle import MAX_PER_ADDRESS

    for i in range(MAX_PER_ADDRESS):
        _sign_in(f"nobody{i}@x.example", "wrong", ip="10.9.9.9")
    _, r = _sign_in(owner.email, PASSWORD, ip="10.9.9.9")
    assert "Too many failed sign-ins" in r.content.decode()
    assert _sign_in(owner.email, PASSWORD, ip="10.0.0.2")[1].status_code == 302


def test_the_account_is_locked_from_every_address_after_its_limit(owner):
    from ownup.accounts.throttle import MAX_PER_ACCOUNT

    for i in range(MAX_PER_ACCOUNT):
        _sign_in(owner.email, "wrong", ip=f"10.1.{i}.1")
    _, r = _sign_in(owner.email, PASSWORD, ip="10.2.0.1")
    assert "Too many failed sign-ins" in r.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _sign_in(owner.email, PASSWORD, ip="10.2.0.1")[1].status_code == 302


def test_failed_sign_ins_reach_the_audit_log_of_every_workspace_of_the_account(owner, ws_a,
                                                                              ws_b, outsider):
    from ownup.accounts.services import membership_set

    membership_set(workspace=ws_b, user=owner, role="member")
    _sign_in(owner.email, "wrong", ip="10.3.3.3")
    for ws in (ws_a, ws_b):
        event = audit_events(workspace=ws, action="auth.login_failed").get()
        assert event.target == owner.email and event.ip == "10.3.3.3"
    # an unknown account's failure belongs to no workspace
    _sign_in("nobody@x.example", "wrong")
    assert AuditEvent.objects.get(target="nobody@x.example").workspace is None
    assert not audit_events(workspace=ws_b).filter(target="nobody@x.example").exists()


def test_a_director_sees_failed_sign_ins_on_the_audit_page(owner_web, owner, member):
    _sign_in(member.email, "wrong", ip="10.4.4.4")
    page = owner_web.get("/settings/audit/?action=auth.login_failed").content.decode()
    assert member.email in page and "10.4.4.4" in page


def test_password_reset_is_throttled_per_account_and_per_address(owner, member):
    from ownup.accounts.throttle import MAX_RESETS_PER_ACCOUNT, MAX_RESETS_PER_ADDRESS
    from ownup.notify.models import OutboxEmail

    for i in range(10):
        r = Client().post("/password/reset/", {"email": owner.email}, REMOTE_ADDR=f"10.5.{i}.1")
        assert r.status_code == 302  # the same answer whether or not a mail went
    assert OutboxEmail.objects.filter(to=[owner.email]).count() == MAX_RESETS_PER_ACCOUNT
    answers = [Client().post("/password/reset/", {"email": f"x{i}@a.example"},
                             REMOTE_ADDR="10.6.6.6").status_code for i in range(15)]
    assert answers.count(302) == MAX_RESETS_PER_ADDRESS and answers[-1] == 429
    r = Client().post("/password/reset/", {"email": member.email}, REMOTE_ADDR="10.6.6.6")
    assert r.status_code == 429 and "Too many password reset" in r.content.decode()
    assert not OutboxEmail.objects.filter(to=[member.email]).exists()


def test_the_demo_makes_no_superuser(db, monkeypatch):
    from django.contrib.auth import get_user_model

    from ownup.demo import load_demo

    load_demo()
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    assert not get_user_model().objects.filter(is_staff=True).exists()


def test_user_create_superuser_for_operators(db, capsys):
    from django.contrib.auth import get_user_model

    from ownup.accounts.services import workspace_create
    from ownup.cli import main

    workspace_create(name="Ops", slug="ops")
    assert main(["user", "create", "op@ops.example", "--password", "a long secret 1",
                 "--superuser", "--role", "owner"]) == 0
    op = get_user_model().objects.get(email="op@ops.example")
    assert op.is_superuser and op.is_staff
    assert main(["user", "create", "m@ops.example", "--password", "a long secret 1"]) == 0
    assert not get_user_model().objects.get(email="m@ops.example").is_superuser


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_tries_check_at_most_the_limit_of_passwords(owner, monkeypatch):
    """The check and the count are one step: thirty tries at once, each holding its slot
    while its password is checked, check at most MAX_PER_ADDRESS_ACCOUNT passwords."""
    if connection.vendor != "postgresql":
        pytest.skip("parallel connections: PostgreSQL (SQLite serialises every writer)")
    from ownup.accounts.throttle import MAX_PER_ADDRESS_ACCOUNT

    checked = []
    original = AbstractBaseUser.check_password
    barrier = threading.Barrier(30)

    def counting_check(self, raw):
        checked.append(raw)
        threading.Event().wait(0.05)  # a slow hash widens any race
        return original(self, raw)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting_check)
    answers = []

    def attempt():
        try:
            barrier.wait()
            answers.append(_sign_in(owner.email, "wrong", ip="10.7.7.7")[1].status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 30
    assert 1 <= len(checked) <= MAX_PER_ADDRESS_ACCOUNT


def test_counters_past_their_window_are_pruned_by_the_worker_job(owner):
    from ownup.accounts.models import AttemptCounter
    from ownup.worker.registry import jobs

    _sign_in("nobody@x.example", "wrong", ip="10.8.8.8")
    assert AttemptCounter.objects.count() == 3
    job = jobs()["accounts.prune_attempt_counters"]
    assert job.func(timezone.now()) == 0
    assert job.func(timezone.now() + timedelta(hours=2)) == 3
    assert not AttemptCounter.objects.exists()
