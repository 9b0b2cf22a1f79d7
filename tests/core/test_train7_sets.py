"""Train 7 (issue 21, sixth round): ten independent writers (w11-w20), each in an assigned voice,
who saw no rules, code or labelled sets, 200 labelled drafts and 90 inbound messages each
(docs/quality.md, "Round 7"). Each was scored once on arrival with the models of the time, then
trained on. Shape here, and that no text of one set is copied into another labelled set."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
TONE_LABELS = {"excuse", "blame", "minimizing", "overpromise", "apology", "ownership", "empathy",
               "next_step"}
KINDS = {"apology", "update", "acknowledgement", "closure"}
WRITERS = tuple(f"w{n}" for n in range(11, 21))


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_wrote_200_labelled_drafts(writer):
    rows = _rows(f"tone_train7_{writer}.jsonl")
    assert len(rows) == 200 and len({r["id"] for r in rows}) == 200
    assert len({r["id"][:3] for r in rows}) == 1  # one writer's prefix
    for r in rows:
        assert r["kind"] in KINDS and set(r["labels"]) == TONE_LABELS and r["text"].strip()
        assert set(r["labels"].values()) <= {0, 1}
    for label in ("excuse", "blame", "minimizing", "overpromise"):
        assert sum(r["labels"][label] for r in rows) >= 20, label


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_wrote_90_labelled_messages(writer):
    rows = _rows(f"triage_train7_{writer}.jsonl")
    assert len(rows) == 90 and len({m["id"] for m in rows}) == 90
    for m in rows:
        assert set(m) == {"id", "subject", "body", "sender", "class", "mood"}, m["id"]
        assert m["class"] in {"routine", "urgent", "emergency"}
        assert m["mood"] in {"calm", "concerned", "upset", "angry"} and m["body"].strip()
    assert sum(m["class"] == "emergency" for m in rows) >= 20


def test_no_draft_or_message_is_shared_between_labelled_sets():
    seen: dict[str, str] = {}
    for path in sorted(DATA.glob("*.jsonl")):
        for row in _rows(path.name):
            text = " ".join((row.get("text") or row.get("body") or "").split()).lower()
            if len(text) < 80:
                continue  # short replies ("thanks, all good") can honestly recur
            assert seen.setdefault(text, path.name) == path.name, (path.name, seen[text])
