"""`ownup triage FILE|- [--json] [--rules POLICY.toml]`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from ownup.cli import main
from ownup.commands.triage import parse_message, read_message
from ownup.core.triage import analysed_text, classify
from ownup.inbox.parsing import html_to_text, parse_raw

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
    assert list(out) == ["class", "mood", "signals", "read"]
    assert (out["class"], out["mood"], out["read"]) == ("emergency", "calm", "new_words")
    text = analysed_text("Checkout problem", read_message(PLAIN).text)
    for s in out["signals"]:
        assert text[s["start"] : s["end"]] == s["text"]
    assert "emergency:checkout" in {s["label"] for s in out["signals"]}


def test_human_output(tmp_path, capsys):
    assert main(["triage", _write(tmp_path, PLAIN)]) == 0
    out = capsys.readouterr().out
    assert "class: emergency" in out and "mood:  calm" in out
    assert "read:  the client's new words" in out
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
    reading = read_message(raw)
    assert (reading.subject, reading.sender) == ("Café", "a@b.example")
    body = reading.body
    assert "Café site is down!" in body
    assert "> old crisis" in body and "p{}" not in body and "x" not in body.split()
    assert reading.text == "Café site is down!"  # triage reads the new words, not the quote


def test_multipart_prefers_plain_and_skips_attachments():
    raw = (
        b"From: a@b.example\nSubject: hi\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n\n'
        b"--XX\nContent-Type: text/plain; charset=utf-8\n\nplain body\n"
        b"--XX\nContent-Type: text/html\n\n<p>html body</p>\n"
        b'--XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename="a.txt"\n\n'
        b"data breach\n--XX--\n"
    )
    subject, sender, text = parse_message(raw)
    assert text.startswith("plain body") and "data breach" not in text
    assert text == parse_raw(raw).new_text  # what ingest gives triage


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


def _multipart(*parts: bytes) -> bytes:
    head = (b"From: Dana <dana@client.example>\nSubject: Brochure\nMIME-Version: 1.0\n"
            b'Content-Type: multipart/mixed; boundary="B"\n\n')
    return head + b"".join(b"--B\n" + p + b"\n" for p in parts) + b"--B--\n"


def test_urgent_words_in_the_second_text_part_are_triaged(tmp_path, capsys):
    raw = _multipart(
        b"Content-Type: text/plain\n\nHere is the photo of the printed brochure.",
        b'Content-Type: image/png\nContent-Disposition: inline; filename="p.png"\n'
        b"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=",
        b"Content-Type: text/plain\n\nThe price on it is wrong. We need a reprint before "
        b"Friday or we cancel the contract.",
    )
    assert main(["triage", "--json", _write(tmp_path, raw)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["class"] != "routine"
    assert any("cancel" in s["text"] or "Friday" in s["text"] for s in out["signals"])


REPLY_OVER_URGENT_HISTORY = (  # a German client's mailer: the history is not "> " quoted
    b"From: Dana <dana@client.example>\nSubject: Re: Homepage\n"
    b"Content-Type: text/plain; charset=utf-8\n\n"
    b"Thanks, that looks fine to us.\n\n"
    b"Am Mo., 7. Dez. 2026 um 12:47 Uhr schrieb Sam Lee <sam@agency.example>:\n\n"
    b"URGENT: the site is down and checkout is broken, we are losing sales. This is "
    b"unacceptable, fix it immediately!\n"
)


def test_a_calm_reply_over_an_urgent_quoted_history_reads_calm(tmp_path, capsys):
    path = _write(tmp_path, REPLY_OVER_URGENT_HISTORY)
    assert main(["triage", "--json", path]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["class"], out["mood"], out["read"]) == ("routine", "calm", "new_words")
    assert out["signals"] == []
    # the whole text (what triage read before) is an angry emergency: the history was left out
    reading = read_message(REPLY_OVER_URGENT_HISTORY)
    whole = classify(reading.subject, reading.body, sender=reading.sender)
    assert (whole.message_class, whole.mood) == ("emergency", "angry")


def test_the_whole_text_is_read_when_nothing_new_is_told_apart(tmp_path, capsys):
    raw = b"From: a@b.example\nSubject: Fwd: x\n\n"
    assert main(["triage", "--json", _write(tmp_path, raw)]) == 0
    assert json.loads(capsys.readouterr().out)["read"] == "body"


def test_a_file_that_is_no_message_is_a_one_line_error(tmp_path, capsys):
    for name, raw in [("empty.eml", b""), ("blank.eml", b"\n \n"),
                      ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary"),
                      ("notes.txt", b"just some words\nno headers at all\n")]:
        path = _write(tmp_path, raw, name)
        assert main(["triage", "--json", path]) == 2, name
        captured = capsys.readouterr()
        assert captured.out == ""
        err = captured.err.strip()
        assert err.startswith("ownup: error:") and path in err and "\n" not in err, err
        assert "Traceback" not in captured.err
    directory = str(tmp_path)
    assert main(["triage", directory]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ownup: error:") and "\n" not in err
