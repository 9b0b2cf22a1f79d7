"""`ownup triage FILE|- [--json] [--rules POLICY.toml]`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from ownup.cli import main
from ownup.commands.triage import parse_message
from ownup.core.triage import analysed_text
from ownup.inbox.parsing import html_to_text

PLAIN = (
    b'From: "Rob Lee" <ops@quickbasket.example>\n'
    b"To: desk@agency.example\n"
    b"Subject: Checkout problem\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"\n"
    b"Hi, quick heads up, our checkout seems to be charging people twice.\n"
    b"\n"
    b"Cheers,\nRob\n"
)


def _write(tmp_path: Path, raw: bytes, name: str = "m.eml") -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    return str(path)


def test_json_output(tmp_path, capsys):
    assert main(["triage", "--json", _write(tmp_path, PLAIN)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["class", "mood", "signals"]
    assert (out["class"], out["mood"]) == ("emergency", "calm")
    text = analysed_text("Checkout problem", parse_message(PLAIN)[2])
    for s in out["signals"]:
        assert text[s["start"] : s["end"]] == s["text"]
    assert "emergency:checkout" in {s["label"] for s in out["signals"]}


def test_human_output(tmp_path, capsys):
    assert main(["triage", _write(tmp_path, PLAIN)]) == 0
    out = capsys.readouterr().out
    assert "class: emergency" in out and "mood:  calm" in out
    assert "emergency:checkout" in out and '"charging people twice"' in out


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PLAIN)))
    assert main(["triage", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["class"] == "emergency"


def test_rules_file_adds_vip_and_keywords(tmp_path, capsys):
    routine = b"From: Amy <amy@bigclient.example>\nSubject: Photos\n\nPhotos attached, thanks.\n"
    assert main(["triage", "--json", _write(tmp_path, routine)]) == 0
    assert json.loads(capsys.readouterr().out)["class"] == "routine"
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[triage]\nvip_contacts = ["@bigclient.example"]\nemergency_keywords = ["photos"]\n'
    )
    assert main(["triage", "--json", "--rules", str(policy), _write(tmp_path, routine)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["class"] == "emergency"
    assert {"rule:vip_contact", "rule:emergency_keyword"} <= {s["label"] for s in out["signals"]}
    assert main(["triage", "--rules", str(policy), _write(tmp_path, routine)]) == 0
    assert "sender amy@bigclient.example" in capsys.readouterr().out


def test_html_part_and_legacy_charset():
    raw = (
        b"From: a@b.example\nSubject: =?iso-8859-1?q?Caf=E9?=\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=iso-8859-1\n\n"
        b"<html><head><style>p{}</style></head><body><p>Caf\xe9 site is down!</p>"
        b"<blockquote>old crisis</blockquote><script>x</script></body></html>\n"
    )
    subject, sender, body = parse_message(raw)
    assert (subject, sender) == ("Café", "a@b.example")
    assert "Café site is down!" in body
    assert "> old crisis" in body and "p{}" not in body and "x" not in body.split()


def test_multipart_prefers_plain_and_skips_attachments():
    raw = (
        b"From: a@b.example\nSubject: hi\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n\n'
        b"--XX\nContent-Type: text/plain; charset=utf-8\n\nplain body\n"
        b"--XX\nContent-Type: text/html\n\n<p>html body</p>\n"
        b'--XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename="a.txt"\n\n'
        b"data breach\n--XX--\n"
    )
    assert parse_message(raw)[2] == "plain body"


def test_bad_bytes_are_decoded_leniently(tmp_path, capsys):
    raw = (
        b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n"
        b"bad \xff\xfe ok\n"
    )
    assert main(["triage", _write(tmp_path, raw)]) == 0
    assert "class: routine" in capsys.readouterr().out
    assert html_to_text("<p>a &amp; b</p>") == "a & b"


def test_missing_file_is_a_user_error(tmp_path, capsys):
    missing = str(tmp_path / "nope.eml")
    assert main(["triage", missing]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ownup: error:") and missing in err and "Traceback" not in err


def test_bad_rules_file_is_a_user_error(tmp_path, capsys):
    policy = tmp_path / "p.toml"
    policy.write_text("[triage]\nvip_contacts = 'x@y.example'\n")
    assert main(["triage", "--rules", str(policy), _write(tmp_path, PLAIN)]) == 2
    assert "triage.vip_contacts must be a list" in capsys.readouterr().err
    policy.write_text("[triage\n")
    assert main(["triage", "--rules", str(policy), _write(tmp_path, PLAIN)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_console_script_subprocess(tmp_path):
    exe = Path(sys.executable).with_name("ownup")
    proc = subprocess.run(
        [str(exe), "triage", "--json", "-"], input=PLAIN, capture_output=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["class"] == "emergency"
