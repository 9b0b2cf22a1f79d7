"""Blind set 6 (issue 21, fifth round): four independent writers (b1 AU/NZ/IE web and SEO,
b2 social and nonprofit, b3 LA/NY creative, b4 finance, legal and property) who saw no rules, code
or labelled sets, 200 drafts and 90 inbound messages each; kept out of every engineer's sight and
scored once by the lead with the round's rules and models final (docs/quality.md, "Blind set 6").
Shape only here: a floor test on it would invite tuning on it."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
TONE_LABELS = {"excuse", "blame", "minimizing", "overpromise", "apology", "ownership", "empathy",
               "next_step"}
KINDS = {"apology", "update", "acknowledgement", "closure"}
WRITERS = ("b6a", "b6b", "b6c", "b6d")


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_blind6_drafts_are_well_formed():
    rows = _rows("tone_blind6.jsonl")
    assert len(rows) == 800 and len({r["id"] for r in rows}) == 800
    assert {r["id"][:3] for r in rows} == set(WRITERS)
    for r in rows:
        assert r["kind"] in KINDS and set(r["labels"]) == TONE_LABELS and r["text"].strip()
        assert set(r["labels"].values()) <= {0, 1}
    for label in TONE_LABELS:
        assert sum(r["labels"][label] for r in rows) >= 100, label


@pytest.mark.parametrize("writer", WRITERS)
def test_each_blind6_writer_wrote_200_drafts_and_90_messages(writer):
    assert sum(r["id"].startswith(writer) for r in _rows("tone_blind6.jsonl")) == 200
    assert sum(m["id"].startswith(writer) for m in _rows("triage_blind6.jsonl")) == 90


def test_blind6_messages_are_well_formed():
    rows = _rows("triage_blind6.jsonl")
    assert len(rows) == 360 and len({m["id"] for m in rows}) == 360
    for m in rows:
        assert set(m) == {"id", "subject", "body", "sender", "class", "mood"}, m["id"]
        assert m["class"] in {"routine", "urgent", "emergency"}
        assert m["mood"] in {"calm", "concerned", "upset", "angry"} and m["body"].strip()
    assert sum(m["class"] == "emergency" for m in rows) >= 90
