import subprocess
import sys
from pathlib import Path

import pytest

from ownup.cli import main

pytestmark = pytest.mark.django_db


def test_list_and_show(open_incident, capsys):
    assert main(["incident", "list", "--workspace", "agency-a"]) == 0
    out = capsys.readouterr().out
    assert str(open_incident.pk) in out and "Client informed" in out
    assert main(["incident", "list", "--workspace", "agency-a", "--status", "closed"]) == 0
    assert "no incidents" in capsys.readouterr().out
    assert main(["incident", "show", str(open_incident.pk), "--workspace", "agency-a"]) == 0
    out = capsys.readouterr().out
    assert "checklist:" in out and "[ ] Client informed" in out and "opened" in out
    assert "team: Milo Member" in out and "time to inform=—" in out
    assert "next client update due:" in out


def test_mistakes_are_one_line(open_incident, ws_b, capsys):
    assert main(["incident", "show", "nope", "--workspace", "agency-a"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ownup: error: no incident nope") and "Traceback" not in err
    assert main(["incident", "show", str(open_incident.pk), "--workspace", "agency-b"]) == 2
    assert "no incident" in capsys.readouterr().err
    assert main(["incident", "list"]) == 2  # two workspaces: must name one
    assert "--workspace" in capsys.readouterr().err


def test_console_script_help():
    r = subprocess.run([str(Path(sys.executable).with_name("ownup")), "incident", "--help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "show" in r.stdout


def test_message_goes_on_the_thread_and_placeholders_are_refused(open_incident, tmp_path,
                                                                  capsys):
    from ownup.incidents.models import ClientMessage

    draft = tmp_path / "m.txt"
    draft.write_text("Hi Ellie, I'm sorry, that was our mistake. I'll call you on [phone] "
                     "by 3 p.m. today.")
    args = ["incident", "message", str(open_incident.pk), "--workspace", "agency-a",
            "--moment", "owned", "--subject", "Sorry", "--body-file", str(draft),
            "--as", "member@a.example", "--send", "--send-anyway"]
    assert main(args) == 2
    assert "[phone]" in capsys.readouterr().err and not ClientMessage.objects.exists()
    draft.write_text("Hi Ellie, I'm sorry, that was our mistake: the budget was set ten times "
                     "too high. I understand how worrying this is. I'll call you at 3 p.m. "
                     "today.")
    assert main(args[:-1]) == 0
    out = capsys.readouterr().out
    message = ClientMessage.objects.get()
    assert "queued to the client" in out and str(message.thread_message.thread_id) in out
    assert main(args[:-2] + ["--as", "nobody@x.example"]) == 2
