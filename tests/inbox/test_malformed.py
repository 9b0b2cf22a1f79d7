"""A corpus of malformed mail (tests/inbox/data/malformed): every input is stored or
quarantined with a reason, the counts add up, sanitised HTML is safe, and nothing 500s."""

import mailbox
import re
from pathlib import Path

import pytest

from ownup.cli import main
from ownup.inbox.ingest import OUTCOMES, message_ingest
from ownup.inbox.models import Message, Quarantine
from ownup.inbox.parsing import parse_raw

pytestmark = pytest.mark.django_db

CORPUS = sorted((Path(__file__).parent / "data" / "malformed").iterdir())
# Inputs that cannot be stored (no sender address) and must be quarantined with that reason.
NO_SENDER = {"03_missing_from.eml", "12_empty.eml", "13_binary_garbage.eml",
             "25_from_group_syntax.eml"}
UNSAFE = [
    re.compile(r"<\s*script", re.I),
    re.compile(r"<[^>]*\son\w+\s*=", re.I),  # event handler attributes
    re.compile(r"<img[^>]+src\s*=\s*[\"']?\s*(?:https?:|//)", re.I),  # remote images
    re.compile(r"javascript:", re.I),
    re.compile(r"<\s*(?:iframe|object|embed|form|meta|style|svg)\b", re.I),
    re.compile(r"url\s*\(", re.I),
]


def assert_safe(html: str) -> None:
    for pattern in UNSAFE:
        assert not pattern.search(html), (pattern.pattern, html)


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_parse_never_raises(path):
    parsed = parse_raw(path.read_bytes())
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
    assert "\x00" not in parsed.body_text + parsed.subject + parsed.body_html
    assert_safe(parsed.body_html)


def test_every_input_is_stored_or_quarantined(ws_a, client_a):
    seen_ids: set[str] = set()
    counts = dict.fromkeys(OUTCOMES, 0)
    for path in CORPUS:
        raw = path.read_bytes()
        outcome = message_ingest(ws_a, raw)
        counts[outcome] += 1
        parsed = parse_raw(raw)
        if outcome == "quarantined":
            row = Quarantine.objects.filter(workspace=ws_a).order_by("-pk").first()
            assert row is not None and row.reason.strip(), path.name
            assert bytes(row.raw) == raw
            assert path.name in NO_SENDER, (path.name, row.reason)
            assert "sender" in row.reason or "From" in row.reason
        elif outcome == "duplicate":
            assert parsed.message_id in seen_ids, path.name
        else:
            msg = Message.objects.get(workspace=ws_a, message_id=parsed.message_id,
                                      content_sha256=parsed.content_sha256)
            seen_ids.add(parsed.message_id)
            assert_safe(msg.body_html_sanitized)
            assert msg.sender and msg.sent_at is not None
            if outcome == "imported":
                assert msg.thread.client_id == client_a.pk
    assert sum(counts.values()) == len(CORPUS)
    assert counts["quarantined"] == len(NO_SENDER) == Quarantine.objects.count()
    # 20_duplicate_of_04 repeats 04's Message-ID with another body: kept, with a warning
    assert counts["duplicate"] == 0
    twins = Message.objects.filter(message_id="<m04@malformed.example>")
    assert twins.count() == 2
    assert any("other content" in " ".join(m.parse_warnings) for m in twins)
    assert Message.objects.count() == counts["imported"] + counts["unmatched"]


def test_odd_inputs_keep_a_warning(ws_a, client_a):
    for path in CORPUS:
        message_ingest(ws_a, path.read_bytes())
    by_id = {m.message_id: m for m in Message.objects.order_by("-created_at")}

    def warnings(n):
        return " ".join(by_id[f"<m{n}@malformed.example>"].parse_warnings)

    assert "unknown charset" in warnings("01")
    assert "not valid utf-8" in warnings("02")
    assert "no usable Date" in warnings("04") and "unreadable Date" in warnings("05")
    assert "raw body kept" in warnings("06") and "Boundary" in warnings("06")
    assert "raw body kept" in warnings("07")
    assert "Windows-1252" in warnings("08")
    assert "undecodable" in warnings("18")
    m08 = by_id["<m08@malformed.example>"]
    assert m08.subject == "Grüße — Preis falsch"
    assert "The boundary never matches" in by_id["<m06@malformed.example>"].body_text
    assert "Présentation attachée" in by_id["<m14@malformed.example>"].body_text
    assert by_id["<m11@malformed.example>"].body_text.startswith("Plain version")
    html = by_id["<m10@malformed.example>"].body_html_sanitized
    assert "Hello <b>team</b>" in html and 'href="https://harbour.example/ok"' in html
    assert len(by_id["<m09@malformed.example>"].subject) <= 998


def _all_in_mbox(tmp_path) -> Path:
    path = tmp_path / "corpus.mbox"
    box = mailbox.mbox(str(path))
    for item in CORPUS:
        box.add(item.read_bytes())
    box.flush()
    box.close()
    return path


def test_cli_counts_add_up(ws_a, client_a, tmp_path, capsys):
    assert main(["import-mail", str(_all_in_mbox(tmp_path))]) == 0
    out = capsys.readouterr().out.strip()
    numbers = dict(re.findall(r"(\w+): (\d+)", out))
    read = int(numbers.pop("read"))
    assert read == len(CORPUS)
    assert sum(int(v) for v in numbers.values()) == read
    assert int(numbers["quarantined"]) == Quarantine.objects.count() == len(NO_SENDER)
    stored = Message.objects.count()
    assert stored == int(numbers["imported"]) + int(numbers["unmatched"])
    for msg in Message.objects.all():
        assert_safe(msg.body_html_sanitized)
    # Again, as a Maildir: everything stored is now a duplicate; nothing is held again.
    md = mailbox.Maildir(str(tmp_path / "md"))
    for item in CORPUS:
        md.add(item.read_bytes())
    assert main(["import-mail", str(tmp_path / "md")]) == 0
    again = dict(re.findall(r"(\w+): (\d+)", capsys.readouterr().out))
    assert int(again["duplicates"]) == read - len(NO_SENDER)
    assert int(again["imported"]) == int(again["unmatched"]) == 0
    assert Message.objects.count() == stored
    assert Quarantine.objects.count() == len(NO_SENDER)


def test_pages_and_api_never_500(ws_a, client_a, owner_web, owner_api):
    for path in CORPUS:
        message_ingest(ws_a, path.read_bytes())
    for thread_id in Message.objects.values_list("thread_id", flat=True).distinct():
        response = owner_web.get(f"/inbox/{thread_id}/")
        assert response.status_code == 200
        assert owner_api.get(f"threads/{thread_id}").status_code == 200
    for page in ("/inbox/", "/inbox/unmatched/", "/inbox/quarantine/"):
        assert owner_web.get(page).status_code == 200
    for row in Quarantine.objects.all():
        assert owner_web.get(f"/inbox/quarantine/{row.uid}/raw/").status_code == 200
    html = (CORPUS[9]).read_bytes().split(b"\r\n\r\n", 1)[1].decode()
    weird = [
        {"direction": "inbound", "sender": "ellie@harbour.example", "subject": "x" * 998,
         "body_html": html, "body_text": "a\x00b"},
        {"direction": "inbound", "subject": "\udcff bad surrogate?", "sender": "no-at-sign"},
        {"direction": "sideways", "subject": "bad direction"},
        {"direction": "inbound", "subject": "", "sender": "ellie@harbour.example"},
        {"direction": "inbound", "subject": "s", "sent_at": "not a date"},
        {"direction": "inbound", "subject": "s", "client": "not-a-uuid"},
        {"direction": "inbound", "subject": "s", "message_id": "<m10@malformed.example>"},
    ]
    for payload in weird:
        response = owner_api.post("messages", payload)
        assert response.status_code < 500, (payload, response.content)
    stored = Message.objects.filter(subject="x" * 998).get()
    assert_safe(stored.body_html_sanitized)
    assert "\x00" not in stored.body_text


HOSTILE_LABELS = [b'"utf\x00-8"', b"base64", b"zlib", b"rot13", b"undefined", b"idna",
                  b"unicode_escape", b"hex"]


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=lambda b: b.decode("ascii", "replace"))
def test_a_charset_label_that_is_no_charset_does_not_lose_the_text(ws_a, client_a, label):
    """A NUL in a charset label, or a Python codec no mail means (base64, zlib …), raised
    while decoding: the message was quarantined as unparseable. It is read like an
    unknown charset, with a warning."""
    raw = (b"From: ellie@harbour.example\r\nSubject: label\r\nMessage-ID: <l@h.example>\r\n"
           b"Content-Type: text/plain; charset=" + label + b"\r\n\r\n"
           b"Caf\xc3\xa9 is closed \\u0041 today.\r\n")
    assert message_ingest(ws_a, raw) == "imported"
    msg = Message.objects.get()
    assert msg.body_text == "Café is closed \\u0041 today."
    assert any("unknown charset" in w for w in msg.parse_warnings), msg.parse_warnings


def test_a_nul_in_a_content_type_is_not_stored(ws_a, client_a):
    """PostgreSQL text cannot hold NUL: a content type with one lost the whole message."""
    raw = (b"From: ellie@harbour.example\r\nSubject: nul\r\nMessage-ID: <n@h.example>\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: text/plain\r\n\r\nThe photo.\r\n--b\r\n"
           b"Content-Type: image/p\x00ng\r\nContent-Disposition: attachment; filename=a.png"
           b"\r\n\r\nxx\r\n--b--\r\n")
    assert message_ingest(ws_a, raw) == "imported"
    assert Message.objects.get().attachments.get().content_type == "image/png"
    single = (b"From: ellie@harbour.example\r\nSubject: nul\r\nMessage-ID: <n2@h.example>\r\n"
              b"Content-Type: application/oct\x00et-stream\r\n\r\nxx\r\n")
    assert message_ingest(ws_a, single) == "imported"
    stored = Message.objects.get(message_id="<n2@h.example>")
    assert stored.attachments.get().content_type == "application/octet-stream"
    assert not any("\x00" in w for w in stored.parse_warnings)
