"""`ownup reparse`: stored mail re-read from its raw source, what changed reported."""

from __future__ import annotations

import base64

import pytest

from ownup.cli import main
from ownup.inbox.ingest import message_ingest
from ownup.inbox.models import Attachment, Message

pytestmark = pytest.mark.django_db

RAW = (b"From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\nSubject: Proof\r\n"
       b"Date: Mon, 02 Nov 2026 14:00:00 +0000\r\nMessage-ID: <rp1@harbour.example>\r\n"
       b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
       b"--b\r\nContent-Type: text/plain\r\n\r\nHere is the proof.\r\n"
       b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
       b"Content-Disposition: attachment; filename=\"=?UTF-8?Q?Pr=C3=BCfung.pdf?=\"\r\n\r\n"
       + base64.b64encode(b"%PDF-1.4 proof") + b"\r\n"
       b"--b\r\nContent-Type: text/plain\r\n\r\nThe price is wrong: reprint before Friday.\r\n"
       b"--b--\r\n")


def test_reparse_restores_what_an_older_parser_lost(frozen_now, ws_a, client_a, capsys):
    assert message_ingest(ws_a, RAW) == "imported"
    msg = Message.objects.get()
    good_text = msg.body_text
    assert "reprint before Friday" in good_text
    # as an older parser stored it: the first text part only, the name undecoded
    Message.objects.filter(pk=msg.pk).update(body_text="Here is the proof.",
                                             new_text="Here is the proof.")
    Attachment.objects.filter(message=msg).update(filename="=?UTF-8?Q?Pr=C3=BCfung.pdf?=")
    message_create_without_raw(ws_a)

    assert main(["reparse", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would have re-read 1 messages: 1 changed" in out
    assert "attachments 1" in out and "body_text 1" in out and "new_text 1" in out
    assert "1 without a raw source" in out
    assert Message.objects.get(pk=msg.pk).body_text == "Here is the proof."

    assert main(["reparse"]) == 0
    assert "re-read 1 messages: 1 changed" in capsys.readouterr().out
    msg.refresh_from_db()
    assert msg.body_text == good_text
    assert [a.filename for a in msg.attachments.all()] == ["Prüfung.pdf"]
    assert msg.thread.client_id == client_a.pk  # what was decided stays

    assert main(["reparse"]) == 0
    assert "1 messages: 0 changed (nothing)" in capsys.readouterr().out


def message_create_without_raw(workspace):
    from ownup.inbox.services.messages import message_create

    message_create(workspace=workspace, direction="inbound", channel="phone",
                   sender="ellie@harbour.example", subject="Call", body_text="Called.")
