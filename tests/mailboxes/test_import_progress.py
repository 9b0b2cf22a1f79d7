"""`ownup import-mail`: a progress bar on a terminal, counts that add up, batching."""

import io
import mailbox
import re
from collections import Counter

import pytest

from ownup.cli import main
from ownup.commands import mail as mail_cmd
from ownup.inbox.models import Message

from .conftest import mail


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal():
    stream = Tty()
    bar = mail_cmd.Progress(4, stream)
    for done in range(1, 5):
        bar.last = 0  # do not throttle in the test
        bar.update(done, Counter(quarantined=1))
    bar.finish(4)
    text = stream.getvalue()
    assert "\r[" in text and "4/4" in text and "100.0%" in text and "quarantined 1" in text
    assert text.rstrip().endswith("done") and "4 messages read" in text


def test_no_bar_when_not_a_terminal():
    stream = io.StringIO()
    bar = mail_cmd.Progress(3, stream)
    for done in range(1, 4):
        bar.update(done, Counter())
    bar.finish(3)
    assert "\r" not in stream.getvalue() and "3 messages read" in stream.getvalue()


@pytest.mark.django_db
def test_batches_and_counts_add_up(ws_a, client_a, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(mail_cmd, "BATCH", 3)
    path = tmp_path / "m.mbox"
    box = mailbox.mbox(str(path))
    for n in range(1, 11):
        box.add(mail(n, sender="stranger@else.example" if n % 4 == 0 else
                     "ellie@harbour.example"))
    box.add(mail(2))
    box.add(b"garbage without headers")
    box.flush()
    box.close()
    assert main(["import-mail", str(path)]) == 0
    out = capsys.readouterr()
    counts = {k: int(v) for k, v in re.findall(r"(\w+): (\d+)", out.out)}
    assert counts == {"imported": 8, "duplicates": 1, "unmatched": 2, "quarantined": 1,
                      "read": 12}
    assert "12 messages read" in out.err and Message.objects.count() == 10
    assert main(["import-mail", str(path), "--quiet"]) == 0
    again = capsys.readouterr()
    assert again.err == "" and "duplicates: 11" in again.out


@pytest.mark.django_db
def test_workspace_must_be_named_when_several(ws_a, ws_b, tmp_path, capsys):
    path = tmp_path / "one.eml"
    path.write_bytes(mail(1))
    assert main(["import-mail", str(path)]) == 2
    assert "--workspace" in capsys.readouterr().err
    assert main(["import-mail", str(path), "--workspace", "agency-b"]) == 0
    assert "unmatched: 1" in capsys.readouterr().out
