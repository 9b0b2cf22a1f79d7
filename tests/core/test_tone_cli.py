"""`ownup tone FILE|- [--kind KIND] [--json]`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ownup.cli import main

OWNUP = Path(sys.executable).with_name("ownup")


def test_json_output_shape(tmp_path, capsys):
    msg = tmp_path / "msg.txt"
    msg.write_text("Sorry, it was only a small glitch. I'll call you at 2 p.m.", encoding="utf-8")
    rc = main(["tone", str(msg), "--kind", "apology", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1
    assert list(out) == ["findings", "present"]
    assert [f["category"] for f in out["findings"]] == ["minimizing", "missing_ownership"]
    text = msg.read_text(encoding="utf-8")
    first = out["findings"][0]
    assert text[first["start"] : first["end"]] == "only a small glitch"
    assert out["present"] == {
        "apology": True,
        "ownership": False,
        "empathy": False,
        "next_step": True,
    }


def test_clean_message_exits_zero(tmp_path, capsys):
    msg = tmp_path / "ok.txt"
    msg.write_text("I'm sorry, that was our mistake. I'll call you at 2 p.m.", encoding="utf-8")
    assert main(["tone", str(msg), "--kind", "apology"]) == 0
    assert capsys.readouterr().out.startswith("ok:")


def test_stdin_and_human_output(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Hi!\nThese things happen."))
    assert main(["tone", "-"]) == 1
    out = capsys.readouterr().out
    assert 'excuse (line 2) "These things happen"' in out
    assert "suggestion:" in out


def test_names_option(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Sam forgot the embargo."))
    assert main(["tone", "-", "--name", "Sam", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["findings"][0]["category"] == "blame"


def test_missing_file_is_a_user_error(tmp_path, capsys):
    assert main(["tone", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ownup: error: no such file") and "Traceback" not in err


def test_bad_kind_is_rejected(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["tone", "-", "--kind", "complaint"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_subprocess_json():
    assert OWNUP.exists()
    proc = subprocess.run(
        [str(OWNUP), "tone", "-", "--kind", "acknowledgement", "--json"],
        input="I will get to the bottom of this first thing in the morning and call you.",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "findings": [],
        "present": {"apology": False, "ownership": False, "empathy": False, "next_step": True},
    }
