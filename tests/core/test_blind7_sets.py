"""Blind set 7 (issue 21, round 7): four independent writers (b7a sports crisis PR, b7b ad
operations, b7c fundraising mail, b7d luxury PR) who saw no rules, code or labelled sets, 200
drafts and 90 inbound messages each; kept out of every engineer's sight and scored once by the
lead with the round final (docs/quality.md, "Blind set 7"). Known from now on: the next estimate
needs a set written apart again. Shape only here: a floor test on it would invite tuning on it."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
TONE_LABELS = {"excuse", "blame", "minimizing", "overpromise", "apology", "ownership", "empathy",
               "next_step"}
WRITERS = ("b7a", "b7b", "b7c", "b7d")


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("writer", WRITERS)
def test_each_blind7_writer_wrote_200_drafts_and_90_messages(writer):
    drafts = [r for r in _rows("tone_blind7.jsonl") if r["id"].startswith(writer)]
    messages = [m for m in _rows("triage_blind7.jsonl") if m["id"].startswith(writer)]
    assert len(drafts) == 200 and len(messages) == 90
    for r in drafts:
        assert set(r["labels"]) == TONE_LABELS and set(r["labels"].values()) <= {0, 1}
    for m in messages:
        assert set(m) == {"id", "subject", "body", "sender", "class", "mood"}
        assert m["class"] in {"routine", "urgent", "emergency"}
        assert m["mood"] in {"calm", "concerned", "upset", "angry"}


def test_blind7_totals():
    drafts, messages = _rows("tone_blind7.jsonl"), _rows("triage_blind7.jsonl")
    assert len({r["id"] for r in drafts}) == 800 and len({m["id"] for m in messages}) == 360
    assert sum(m["class"] == "emergency" for m in messages) == 117
    assert sum(r["labels"]["blame"] for r in drafts) == 197
