"""Files that come with client mail: kept (once per content), downloadable only inside the
workspace, over-limit files explained, and a disk that cannot take them never loses mail."""

import errno
from email.message import EmailMessage

import pytest

from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Attachment, Message, Quarantine

PDF = b"%PDF-1.4\n" + b"0123456789" * 500


def _mail(msgid="<files-1@harbour.example>", files=(("plan.pdf", PDF),)) -> bytes:
    m = EmailMessage()
    m["From"] = "Ellie <ellie@harbour.example>"
    m["To"] = "team@a.example"
    m["Subject"] = "The plan"
    m["Message-ID"] = msgid
    m["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    m.set_content("Plan attached.")
    for name, data in files:
        m.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return m.as_bytes()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_attachment_is_kept_once_and_downloadable(ws_a, client_a, media, owner_web,
                                                  outsider_web, owner_api, outsider_api):
    assert message_ingest(ws_a, _mail()) == "imported"
    assert message_ingest(ws_a, _mail("<files-2@harbour.example>")) == "imported"
    rows = list(Attachment.objects.order_by("created_at"))
    assert [r.filename for r in rows] == ["plan.pdf", "plan.pdf"]
    assert rows[0].path == rows[1].path  # same content, stored once
    assert len(list(media.rglob("*"))) == 3  # attachments/, attachments/xx/, the file
    msg = Message.objects.filter(attachments__isnull=False).first()
    page = owner_web.get(f"/inbox/{msg.thread_id}/").content.decode()
    assert "plan.pdf" in page and f"/inbox/attachments/{rows[0].pk}/" in page

    r = owner_web.get(f"/inbox/attachments/{rows[0].pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    assert outsider_web.get(f"/inbox/attachments/{rows[0].pk}/").status_code == 404

    api = owner_api.get(f"/api/v1/threads/{msg.thread_id}").json()
    files = [a for m in api["messages"] for a in m["attachments"]]
    assert files[0]["filename"] == "plan.pdf" and files[0]["size"] == len(PDF)
    r = owner_api.get(f"/api/v1/attachments/{rows[0].pk}")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert outsider_api.get(f"/api/v1/attachments/{rows[0].pk}").status_code == 404


def test_over_the_limit_keeps_the_row_and_says_why(ws_a, client_a, media, settings):
    settings.OWNUP_ATTACHMENT_MAX_BYTES = 1000
    assert message_ingest(ws_a, _mail(files=(("big.pdf", PDF), ("tiny.pdf", b"%PDF small")))
                          ) == "imported"
    big, tiny = (Attachment.objects.get(filename=n) for n in ("big.pdf", "tiny.pdf"))
    assert not big.stored and "limit" in big.not_stored_reason and big.size == len(PDF)
    assert tiny.stored
    assert any("big.pdf not kept" in w for w in Message.objects.get().parse_warnings)


def test_disk_full_quarantines_the_whole_message(ws_a, client_a, media, monkeypatch):
    import ownup.inbox.attachments as store

    def full(data, digest):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write", full)
    outcomes = [message_ingest(ws_a, _mail(f"<full-{i}@harbour.example>")) for i in range(3)]
    assert outcomes == ["quarantined"] * 3  # read 3 = quarantined 3: the counts add up
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0
    row = Quarantine.objects.first()
    assert "No space left on device" in row.reason and b"From: Ellie" in bytes(row.raw)

    monkeypatch.undo()  # space again: the kept raw mail imports
    assert message_ingest(ws_a, bytes(row.raw)) == "imported"
    assert Attachment.objects.get().stored
