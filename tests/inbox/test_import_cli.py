import mailbox
from pathlib import Path

import pytest

from ownup.cli import main
from ownup.commands.mail import skipped_note
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


def test_a_folder_says_which_files_it_skipped(ws_a, client_a, tmp_path, capsys):
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.eml").write_bytes(raw("contact.eml"))
    (folder / "sub" / "two.EML").write_bytes(raw("unmatched.eml"))
    (folder / "notes.txt").write_text("not mail")
    (folder / "sub" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert main(["import-mail", str(folder), "--quiet"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "imported: 1, duplicates: 0, unmatched: 1, quarantined: 0 (read: 2)"
    assert lines[1] == "skipped 2 files that are not .eml (notes.txt, sub/photo.jpg)"
    assert Message.objects.count() == 2
    (folder / "notes.txt").unlink()
    (folder / "sub" / "photo.jpg").unlink()
    assert main(["import-mail", str(folder), "--quiet"]) == 0
    assert "skipped" not in capsys.readouterr().out  # nothing skipped: nothing said


def test_the_skipped_note_names_the_first_ten():
    note = skipped_note([Path(f"f{i}.txt") for i in range(12)])
    assert note.startswith("skipped 12 files that are not .eml (f0.txt, f1.txt,")
    assert note.endswith("f9.txt and 2 more)") and "f10.txt" not in note
    assert skipped_note([Path("a.pdf")]) == "skipped 1 file that is not .eml (a.pdf)"
