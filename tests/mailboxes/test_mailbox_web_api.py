"""Settings › Mailboxes pages, the API and the CLI: managers only, outsiders get 404,
the password is stored encrypted and never shown back."""

import pytest

from ownup.cli import main
from ownup.inbox.models import Message
from ownup.mailboxes.models import Mailbox
from ownup.mailboxes.services import mailbox_create
from ownup.secretbox import decrypt
from tests.conftest import assert_login_redirect

from .conftest import mail

pytestmark = pytest.mark.django_db

SECRET = "hunter2-very-secret"


@pytest.fixture
def box(ws_a):
    return mailbox_create(workspace=ws_a, name="Shared inbox", host="imap.a.example",
                          username="team@a.example", password=SECRET)


def _form(**kw):
    data = {"name": "Shared inbox", "kind": "shared_inbox", "host": "imap.a.example",
            "security": "ssl", "port": "993", "username": "team@a.example",
            "password": SECRET, "folder": "INBOX", "poll_every_seconds": "120",
            "enabled": "on"}
    data.update(kw)
    return data


def test_password_is_encrypted_at_rest(box):
    row = Mailbox.objects.get(pk=box.pk)
    assert SECRET not in row.password_encrypted and decrypt(row.password_encrypted) == SECRET


def test_create_edit_keep_password(owner_web, ws_a):
    r = owner_web.post("/settings/mailboxes/new/", _form())
    assert r.status_code == 302
    mb = Mailbox.objects.get(workspace=ws_a)
    assert mb.direction == "inbound" and mb.next_poll_at is not None
    page = owner_web.get(f"/settings/mailboxes/{mb.pk}/edit/").content.decode()
    assert SECRET not in page and mb.password_encrypted not in page and "(stored)" in page
    listing = owner_web.get("/settings/mailboxes/").content.decode()
    assert "Shared inbox" in listing and SECRET not in listing
    r = owner_web.post(f"/settings/mailboxes/{mb.pk}/edit/",
                       _form(password="", kind="sent_folder", folder="Sent"))
    assert r.status_code == 302
    mb.refresh_from_db()
    assert decrypt(mb.password_encrypted) == SECRET and mb.direction == "outbound"
    r = owner_web.post(f"/settings/mailboxes/{mb.pk}/edit/", _form(password="new-one"))
    mb.refresh_from_db()
    assert decrypt(mb.password_encrypted) == "new-one"


def test_bad_input_is_422_not_500(owner_web, box):
    r = owner_web.post("/settings/mailboxes/new/", _form(password="", port="99999"))
    assert r.status_code == 422
    r = owner_web.post("/settings/mailboxes/new/", _form(name="shared INBOX"))
    assert r.status_code == 422 and "already exists" in r.content.decode()
    r = owner_web.post("/settings/mailboxes/new/", _form(host="bad host"))
    assert r.status_code == 422 and Mailbox.objects.count() == 1


def test_roles_and_outsiders(member_web, outsider_web, anon_web, box):
    urls = ["/settings/mailboxes/", "/settings/mailboxes/new/",
            f"/settings/mailboxes/{box.pk}/edit/"]
    for url in urls:
        assert member_web.get(url).status_code == 403
        assert_login_redirect(anon_web.get(url))
    for action in ("edit", "test", "poll", "delete"):
        assert outsider_web.post(f"/settings/mailboxes/{box.pk}/{action}/",
                                 _form()).status_code == 404
    assert outsider_web.get(f"/settings/mailboxes/{box.pk}/edit/").status_code == 404
    assert "Shared inbox" not in outsider_web.get("/settings/mailboxes/").content.decode()
    assert Mailbox.objects.filter(pk=box.pk, name="Shared inbox").exists()


def test_delete(owner_web, box):
    assert owner_web.post(f"/settings/mailboxes/{box.pk}/delete/").status_code == 302
    assert not Mailbox.objects.exists()


def test_api_crud_password_write_only(owner_api, member_api, outsider_api, anon_api, ws_a):
    payload = {"name": "Inbox", "host": "imap.a.example", "username": "u", "password": SECRET,
               "security": "starttls"}
    r = owner_api.post("mailboxes", payload)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["port"] == 143 and body["has_password"] is True
    assert SECRET not in r.content.decode() and "password_encrypted" not in body
    mid = body["id"]
    listed = owner_api.get("mailboxes")
    assert listed.status_code == 200 and SECRET not in listed.content.decode()
    r = owner_api.patch(f"mailboxes/{mid}", {"folder": "Sent", "kind": "sent_folder",
                                             "password": ""})
    assert r.status_code == 200 and r.json()["direction"] == "outbound"
    assert decrypt(Mailbox.objects.get(pk=mid).password_encrypted) == SECRET
    assert owner_api.post("mailboxes", payload).status_code == 409
    assert owner_api.post("mailboxes", {**payload, "name": "X", "port": 0}).status_code == 422
    assert owner_api.post("mailboxes", {**payload, "name": "Y",
                                        "security": "carrier-pigeon"}).status_code == 422
    assert owner_api.patch(f"mailboxes/{mid}", {"host": "a b"}).status_code == 422
    assert member_api.get("mailboxes").status_code == 403
    assert member_api.post("mailboxes", {**payload, "name": "M"}).status_code == 403
    assert anon_api.get("mailboxes").status_code == 401
    for method, url in (("get", f"mailboxes/{mid}"), ("delete", f"mailboxes/{mid}"),
                        ("post", f"mailboxes/{mid}/poll")):
        assert getattr(outsider_api, method)(url).status_code == 404
    assert outsider_api.patch(f"mailboxes/{mid}", {"name": "hijack"}).status_code == 404
    assert owner_api.get("mailboxes/not-a-uuid").status_code == 404
    assert owner_api.delete(f"mailboxes/{mid}").status_code == 204
    assert not Mailbox.objects.exists()


def test_poll_now_against_dovecot(owner_web, owner_api, imap_account, ws_a, client_a):
    imap_account.append(mail(1), mail(2))
    r = owner_api.post("mailboxes", {"name": "Dovecot", "host": imap_account.host,
                                     "port": imap_account.port, "security": "none",
                                     "username": imap_account.username,
                                     "password": imap_account.password})
    mid = r.json()["id"]
    r = owner_web.post(f"/settings/mailboxes/{mid}/test/", follow=True)
    assert "connected; 2 messages in INBOX" in r.content.decode()
    r = owner_api.post(f"mailboxes/{mid}/poll")
    assert r.status_code == 200 and r.json()["counts"] == {"imported": 2}
    assert r.json()["more"] is False
    imap_account.append(mail(3))
    r = owner_web.post(f"/settings/mailboxes/{mid}/poll/", follow=True)
    assert "imported: 1" in r.content.decode() and Message.objects.count() == 3
    owner_api.patch(f"mailboxes/{mid}", {"password": "wrong"})
    r = owner_web.post(f"/settings/mailboxes/{mid}/poll/", follow=True)
    assert r.status_code == 200 and "login failed" in r.content.decode()
    page = owner_web.get("/settings/mailboxes/").content.decode()
    assert "login failed" in page and "error" in page
    assert "login failed" in owner_api.get(f"mailboxes/{mid}").json()["last_error"]


def test_cli_add_list_poll(imap_account, ws_a, client_a, capsys, monkeypatch):
    imap_account.append(mail(1))
    monkeypatch.setenv("OWNUP_IMAP_PASSWORD", imap_account.password)
    assert main(["mailbox", "add", "Shared", "--host", imap_account.host, "--port",
                 str(imap_account.port), "--security", "none", "--user",
                 imap_account.username]) == 0
    assert "added mailbox Shared" in capsys.readouterr().out
    assert main(["mailbox", "add", "Shared", "--host", "h", "--user", "u"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["mailbox", "poll"]) == 0
    assert "imported: 1" in capsys.readouterr().out
    assert main(["mailbox", "poll", "shared"]) == 0
    assert "(read: 0)" in capsys.readouterr().out
    assert main(["mailbox", "list"]) == 0
    out = capsys.readouterr().out
    assert "Shared" in out and "last uid 1" in out and imap_account.password not in out
    assert main(["mailbox", "poll", "nope"]) == 2
