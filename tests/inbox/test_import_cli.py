import mailbox

import pytest

from ownup.cli import main
from ownup.inbox.models import Message, Quarantine

from .conftest import DATA, raw

pytestmark = pytest.mark.django_db


def _mbox(tmp_path):
    path = tmp_path / "mail.mbox"
    box = mailbox.mbox(str(path))
    for name in ("contact.eml", "unmatched.eml", "reply.eml", "contact.eml"):
        box.add(raw(name))
    box.add(b"\x00\x01\xff garbage entry with no headers\n")
    box.flush()
    box.close()
    return path


def test_mbox_counts_add_up(ws_a, client_a, tmp_path, capsys):
    assert main(["import-mail", str(_mbox(tmp_path))]) == 0
    captured = capsys.readouterr()
    assert "5 messages read" in captured.err
    assert captured.out.strip() == (
        "imported: 2, duplicates: 1, unmatched: 1, quarantined: 1 (read: 5)"
    )
    assert Message.objects.count() == 3 and Quarantine.objects.count() == 1


def test_eml_and_maildir(ws_a, client_a, tmp_path, capsys):
    assert main(["import-mail", str(DATA / "contact.eml"), "--workspace", "agency-a"]) == 0
    assert "imported: 1," in capsys.readouterr().out
    box = mailbox.Maildir(str(tmp_path / "md"))
    box.add(raw("contact.eml"))
    box.add(raw("domain.eml"))
    assert main(["import-mail", str(tmp_path / "md")]) == 0
    assert "imported: 1, duplicates: 1," in capsys.readouterr().out


def test_bad_path_and_workspace_are_user_errors(ws_a, tmp_path, capsys):
    assert main(["import-mail", str(tmp_path / "missing.mbox")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["import-mail", str(DATA / "contact.eml"), "--workspace", "nope"]) == 2
    assert "no workspace" in capsys.readouterr().err
    assert main(["import-mail", str(tmp_path)]) == 2
    assert "not a Maildir" in capsys.readouterr().err


def test_database_away_is_one_line_and_nothing_is_quarantined(ws_a, client_a, tmp_path,
                                                              capsys, monkeypatch):
    from django.db import OperationalError

    from ownup.inbox import ingest

    def database_away(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ingest, "message_prepare", database_away)
    assert main(["import-mail", str(_mbox(tmp_path)), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the database is unavailable" in err
    assert "Traceback" not in err
    assert Quarantine.objects.count() == 0 and Message.objects.count() == 0
