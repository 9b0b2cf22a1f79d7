"""bench/score_writers.py: how a writer's set is scored (issue 21's blind sets)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import score_writers  # noqa: E402

from ownup.core import triage  # noqa: E402
from ownup.core.tone import CATEGORIES, ELEMENTS, check  # noqa: E402

DRAFT = "Sorry, we sent the wrong file and that's on us. I'll resend it by 3pm today."
MESSAGE = {"subject": "Wrong price live", "sender": "ana@client.example",
           "body": "The homepage shows the sale price at 10% of the real one and orders are "
                   "pouring in right now. Take it down."}


def _said() -> set[str]:
    report = check(DRAFT, "apology")
    return report.categories() | {e for e in ELEMENTS if report.present[e]}


def _as_said(item_id: str) -> dict:
    """A draft labelled exactly as the check reads it: every label it says is right."""
    labels = {label: int(label in _said()) for label in (*CATEGORIES, *ELEMENTS)}
    return {"id": item_id, "kind": "apology", "text": DRAFT, "labels": labels}


def test_writer_prefixes_of_drafts_and_messages():
    assert score_writers.writer_of("b10a001") == score_writers.writer_of("b10am01") == "b10a"
    assert score_writers.writer_of("b9c200") == score_writers.writer_of("b9cm90") == "b9c"


def test_the_stored_set_splits_by_writer(tmp_path):
    (tmp_path / "tone_x.jsonl").write_text(
        "\n".join(json.dumps(_as_said(i)) for i in ("qa001", "qa002", "qb001")) + "\n")
    msgs = [{**MESSAGE, "id": i, "class": "emergency", "mood": "angry"} for i in ("qam01", "qbm01")]
    (tmp_path / "triage_x.jsonl").write_text("\n".join(map(json.dumps, msgs)) + "\n")
    writers = score_writers.stored_writers("x", data=tmp_path)
    assert {w: (len(d), len(m)) for w, (d, m) in writers.items()} == {"qa": (2, 1), "qb": (1, 1)}


def test_a_label_the_check_agrees_with_scores_one_and_a_flipped_one_zero():
    right = _as_said("qa001")
    wrong = _as_said("qb001")
    flipped = sorted(_said())[0]  # a label the check says: right for qa, a false call for qb
    wrong["labels"][flipped] = 1 - wrong["labels"][flipped]
    said = triage.classify(MESSAGE["subject"], MESSAGE["body"], sender=MESSAGE["sender"])
    other = "routine" if said.message_class == "emergency" else "emergency"
    figures = score_writers.score({
        "qa": ([right], [{**MESSAGE, "id": "qam01", "class": said.message_class,
                          "mood": said.mood}]),
        "qb": ([wrong], [{**MESSAGE, "id": "qbm01", "class": other, "mood": said.mood}]),
    })
    assert figures["qa"]["tone"][flipped][2] == 1.0
    assert figures["qb"]["tone"][flipped][2] == 0.0
    assert figures["pooled"]["tone"][flipped][2] == 2 / 3  # one right, one wrong of two
    assert figures["qa"]["triage"]["class_accuracy"] == 1.0
    assert figures["qb"]["triage"]["class_accuracy"] == 0.0
    assert figures["pooled"]["triage"]["class_accuracy"] == 0.5
    assert figures["pooled"]["triage"]["mood_accuracy"] == 1.0


def test_the_command_refuses_both_or_neither_source(capsys):
    import pytest

    for argv in ([], ["somewhere", "--stored", "blind10"]):
        with pytest.raises(SystemExit) as exit_:
            score_writers.main(argv)
        assert exit_.value.code == 2
    assert "--stored NAME" in capsys.readouterr().err
