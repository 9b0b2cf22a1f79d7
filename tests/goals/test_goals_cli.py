import json
import subprocess
import sys
from pathlib import Path

import pytest

from ownup.cli import main

pytestmark = pytest.mark.django_db


def test_agenda_text_json_pdf(plan, capsys, tmp_path):
    assert main(["agenda", "harbour coffee", "--workspace", "agency-a"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Harbour Coffee: agenda for our next review")
    assert "Pop-up events: which of your goals" in out and "Few wholesale leads came" in out
    assert main(["agenda", str(plan["client"].pk), "--workspace", "agency-a",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["client_id"] == str(plan["client"].pk) and data["edited"] is False
    assert "unlinked" in [s["key"] for s in data["sections"]]
    pdf = tmp_path / "agenda.pdf"
    assert main(["agenda", "Harbour", "--workspace", "agency-a", "--format", "pdf",
                 "--output", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and "wrote" in capsys.readouterr().out


def test_workspace_optional_with_one(plan, capsys):
    assert main(["agenda", "Harbour Coffee", "--weeks", "2"]) == 0
    assert "next 2 weeks" in capsys.readouterr().out


def test_edited_copy_is_used_unless_generated(plan, capsys):
    from ownup.goals.services import agenda_save

    agenda_save(client=plan["client"], text="Our own words")
    assert main(["agenda", "Harbour Coffee"]) == 0
    assert capsys.readouterr().out == "Our own words\n"
    assert main(["agenda", "Harbour Coffee", "--generated"]) == 0
    assert "Pop-up events" in capsys.readouterr().out


def test_mistakes_are_one_line(plan, ws_b, capsys, tmp_path):
    assert main(["agenda", "Nobody", "--workspace", "agency-a"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ownup: error: no client 'Nobody'") and "Traceback" not in err
    assert main(["agenda", str(plan["client"].pk), "--workspace", "agency-b"]) == 2
    assert "no client" in capsys.readouterr().err
    assert main(["agenda", "Harbour Coffee"]) == 2  # two workspaces
    assert "--workspace" in capsys.readouterr().err
    assert main(["agenda", "Harbour Coffee", "--workspace", "agency-a", "--weeks", "0"]) == 2
    assert "weeks must be" in capsys.readouterr().err
    assert main(["agenda", "Harbour Coffee", "--workspace", "agency-a", "--output",
                 str(tmp_path / "missing-dir" / "a.txt")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_console_script_help():
    r = subprocess.run([str(Path(sys.executable).with_name("ownup")), "agenda", "--help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "--format" in r.stdout
