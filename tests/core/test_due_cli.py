"""`ownup due` and `ownup policy check`: the CLI contract scripts depend on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from ownup.cli import main
from ownup.core.policy import load_policy

DATA = Path(__file__).parent / "data"
EXAMPLE = str(DATA / "policy_example.toml")
OWNUP = Path(sys.executable).with_name("ownup")  # the venv the tests run in


def test_due_human_output(capsys):
    code = main(["due", "--policy", EXAMPLE, "--received", "2026-03-13T17:55-04:00",
                 "--class", "routine"])  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("acknowledge by: 2026-03-16T11:55:00-04:00")
    assert out[1].startswith("respond by: 2026-03-18T11:55:00-04:00")
    assert "EDT" in out[0]


def test_due_json_renders_in_policy_timezone(capsys):
    code = main(["due", "--policy", EXAMPLE, "--received", "2026-03-13T21:55:00Z",
                 "--class", "emergency", "--json"])  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "class": "emergency",
        "received": "2026-03-13T17:55:00-04:00",
        "acknowledge_by": "2026-03-13T18:25:00-04:00",
        "respond_by": "2026-03-13T19:55:00-04:00",
    }


def test_due_errors(capsys):
    assert main(["due", "--policy", EXAMPLE, "--received", "2026-03-13T17:55",
                 "--class", "routine"]) == 2  # fmt: skip
    assert "no UTC offset" in capsys.readouterr().err
    assert main(["due", "--policy", EXAMPLE, "--received", "2026-03-13T17:55Z",
                 "--class", "gossip"]) == 2  # fmt: skip
    assert "unknown class 'gossip'" in capsys.readouterr().err
    assert main(["due", "--policy", "/nonexistent.toml", "--received", "2026-03-13T17:55Z",
                 "--class", "routine"]) == 2  # fmt: skip
    assert "cannot read policy file" in capsys.readouterr().err
    bad = str(DATA / "policy_invalid.toml")
    assert main(["due", "--policy", bad, "--received", "2026-03-13T17:55Z",
                 "--class", "routine"]) == 2  # fmt: skip
    assert "hours.fri: ranges 08:00-12:00 and 11:00-13:00 overlap" in capsys.readouterr().err


def test_due_stdin_mode_keeps_order_and_matches_single_mode(capsys, monkeypatch):
    lines = [
        {"received": "2026-03-13T17:55:00-04:00", "class": "routine"},
        {"received": "2026-07-02T21:00:00+00:00", "class": "urgent"},
        {"received": "2026-12-24T10:00:00-05:00", "class": "social-media"},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\n\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["due", "--policy", EXAMPLE]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["class"] for r in results] == ["routine", "urgent", "social-media"]
    policy = load_policy(Path(EXAMPLE).read_text())
    for item, result in zip(lines, results, strict=True):
        ack, resp = policy.deadlines(item["class"], datetime.fromisoformat(item["received"]))
        assert datetime.fromisoformat(result["acknowledge_by"]) == ack
        assert datetime.fromisoformat(result["respond_by"]) == resp
        assert result["respond_by"].endswith(("-05:00", "-04:00"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"received": "2026-03-13T17:55:00", "class": "routine"}', "line 2: received"),
        ('{"received": "2026-03-13T17:55:00Z", "class": "gossip"}', "line 2: unknown class"),
        ("not json", "line 2: not valid JSON"),
        ('{"received": "yesterday", "class": "routine"}', "line 2: received 'yesterday'"),
    ],
)
def test_due_stdin_bad_line_names_line_number(capsys, monkeypatch, line, message):
    """A bad line is answered in its place and named on stderr; the good lines around it are
    still printed, in order, and the run ends with exit code 2."""
    good = '{"received": "2026-03-13T17:55:00Z", "class": "routine"}'
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{good}\n{line}\n{good}\n"))
    assert main(["due", "--policy", EXAMPLE]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    first, bad, last = (json.loads(x) for x in captured.out.splitlines())
    assert first == last and first["respond_by"]
    assert bad["line"] == 2 and message in bad["error"]


@pytest.mark.parametrize("received", ["9998-01-01T00:00:00+00:00", "9999-12-31T23:00:00-12:00",
                                      "0001-01-01T00:00:00+00:00", "1850-06-01T09:00:00Z"])
def test_due_far_years_are_a_clear_error_naming_received(capsys, received):
    assert main(["due", "--policy", EXAMPLE, "--received", received,
                 "--class", "routine"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--received:" in err and "--class" not in err
    assert "1900-2199" in err and "Traceback" not in err


def test_due_deadline_past_the_last_year_is_a_clear_error(capsys):
    assert main(["due", "--policy", EXAMPLE, "--received", "2199-12-31T12:00:00Z",
                 "--class", "routine", "--json"]) == 2  # fmt: skip
    assert "after the last year this clock supports (2199)" in capsys.readouterr().err


def test_policy_check(capsys):
    assert main(["policy", "check", EXAMPLE]) == 0
    assert capsys.readouterr().out.strip() == "ok: Standard retainer (4 classes)"
    assert main(["policy", "check", str(DATA / "policy_invalid.toml")]) == 2
    out = capsys.readouterr().out
    assert "hours.fri: ranges 08:00-12:00 and 11:00-13:00 overlap" in out
    assert "timezone: unknown timezone 'Mars/Olympus_Mons'" in out
    assert main(["policy", "check", "/nonexistent.toml"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_through_a_subprocess():
    lines = "".join(
        json.dumps({"received": f"2026-03-{d:02d}T12:00:00Z", "class": "routine"}) + "\n"
        for d in range(1, 29)
    )
    done = subprocess.run(
        [str(OWNUP), "due", "--policy", EXAMPLE], input=lines, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 28
    done = subprocess.run(
        [str(OWNUP), "policy", "check", str(DATA / "policy_invalid.toml")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
