"""Triage accuracy on the labelled corpus (tests/core/data/triage_corpus.jsonl).

The corpus was written before the classifier; rules were tuned on the "tune" split only.
bench/triage_quality.py prints the full per-class / per-mood precision and recall.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ownup.core.triage import CLASSES, MOODS, classify

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "triage_corpus.jsonl"
# Issue 21: inbound mail in many other voices; wide was tuned on, the sealed third is scored only
# by bench/triage_quality.py --sealed.
WIDE = DATA / "triage_wide.jsonl"
SEALED = DATA / "triage_sealed.jsonl"
FIELDS = {"id", "subject", "body", "sender", "class", "mood", "split"}

# Held-out accuracy measured with rules version 1: class 0.941, mood 0.941 (68 messages).
HELD_OUT_FLOOR = 0.85


def _corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_corpus_shape():
    corpus = _corpus()
    assert len(corpus) >= 150
    assert len({m["id"] for m in corpus}) == len(corpus)
    for n, m in enumerate(corpus, 1):
        assert set(m) == FIELDS, m["id"]
        assert m["id"] == f"m{n:03d}"
        assert m["class"] in CLASSES and m["mood"] in MOODS, m["id"]
        assert m["body"].strip() and "@" in m["sender"], m["id"]
        # Deterministic split: every 2nd and 4th of each five messages is held out.
        assert m["split"] == ("test" if n % 5 in (2, 4) else "tune"), m["id"]
    splits = Counter(m["split"] for m in corpus)
    assert 0.35 <= splits["test"] / len(corpus) <= 0.45
    # Every class and mood is represented in the held-out split.
    held_out = [m for m in corpus if m["split"] == "test"]
    assert {m["class"] for m in held_out} == set(CLASSES)
    assert {m["mood"] for m in held_out} == set(MOODS)


def _accuracy(split: str, learned: bool = True) -> tuple[float, float]:
    items = [m for m in _corpus() if m["split"] == split]
    results = [
        classify(m["subject"], m["body"], sender=m["sender"], learned=learned) for m in items
    ]
    cls = sum(r.message_class == m["class"] for r, m in zip(results, items, strict=True))
    mood = sum(r.mood == m["mood"] for r, m in zip(results, items, strict=True))
    return cls / len(items), mood / len(items)


@pytest.mark.parametrize("learned", [False, True], ids=["rules", "rules+model"])
@pytest.mark.parametrize("split", ["test", "tune"])
def test_accuracy_floor(split, learned):
    """The rules alone hold the floor (the mood model was trained on this corpus, so with it the
    figure is in-sample; bench/train_triage.py --lowo gives its out-of-writer figure)."""
    class_acc, mood_acc = _accuracy(split, learned)
    assert class_acc >= HELD_OUT_FLOOR, f"{split} class accuracy {class_acc:.3f}"
    assert mood_acc >= HELD_OUT_FLOOR, f"{split} mood accuracy {mood_acc:.3f}"


def test_emergencies_are_not_missed_often():
    """Missing a live crisis is the costly error: held-out emergency recall >= 0.85."""
    items = [m for m in _corpus() if m["split"] == "test" and m["class"] == "emergency"]
    hits = sum(classify(m["subject"], m["body"]).message_class == "emergency" for m in items)
    assert hits / len(items) >= 0.85


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_wide_and_sealed_sets_are_well_formed():
    wide, sealed = _load(WIDE), _load(SEALED)
    assert len(wide) >= 100 and len(sealed) >= 50
    for m in wide + sealed:
        assert set(m) == {"id", "subject", "body", "sender", "class", "mood"}, m["id"]
        assert m["class"] in CLASSES and m["mood"] in MOODS, m["id"]
        assert (int(m["id"][1:]) % 3 == 0) == (m in sealed), m["id"]
    assert {m["mood"] for m in wide} == set(MOODS)


@pytest.mark.parametrize("learned", [False, True], ids=["rules", "rules+model"])
def test_wide_set_class_mood_and_emergency_recall(learned):
    items = _load(WIDE)
    results = [
        classify(m["subject"], m["body"], sender=m["sender"], learned=learned) for m in items
    ]
    cls = sum(r.message_class == m["class"] for r, m in zip(results, items, strict=True))
    mood = sum(r.mood == m["mood"] for r, m in zip(results, items, strict=True))
    assert cls / len(items) >= 0.9 and mood / len(items) >= 0.85, (cls, mood, len(items))
    emergencies = [(r, m) for r, m in zip(results, items, strict=True) if m["class"] == "emergency"]
    found = sum(r.message_class == "emergency" for r, _ in emergencies)
    assert found / len(emergencies) >= 0.95
    for mood_name in MOODS:  # each of the four moods is read, upset included
        assert any(r.mood == m["mood"] == mood_name for r, m in zip(results, items, strict=True))


def test_blind4_set_is_well_formed():
    """The independent set (issue 21, third round: a separate engineer, rules unseen). Shape only;
    its figures are in docs/quality.md, scored once."""
    path = DATA / "triage_blind4.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert len(items) == 120
    assert len({m["id"] for m in items}) == len(items)
    for m in items:
        assert set(m) == FIELDS - {"split"}, m["id"]
        assert m["class"] in CLASSES and m["mood"] in MOODS and m["body"].strip()
    assert {m["class"] for m in items} == set(CLASSES)
    assert {m["mood"] for m in items} == set(MOODS)


def test_blind4_is_now_a_tuning_set_and_holds_its_floor():
    """Blind 4 was scored once at rules v6 (class 0.833, mood 0.708, emergencies 28/36); its
    errors were then read and rules v7 tuned on it (docs/quality.md), so it is a floor now, not an
    estimate: every emergency found, class and mood well read, all four moods."""
    items = _load(DATA / "triage_blind4.jsonl")
    results = [classify(m["subject"], m["body"], sender=m["sender"]) for m in items]
    pairs = list(zip(results, items, strict=True))
    cls = sum(r.message_class == m["class"] for r, m in pairs) / len(items)
    mood = sum(r.mood == m["mood"] for r, m in pairs) / len(items)
    assert cls >= 0.95 and mood >= 0.9, (cls, mood)
    emergencies = [r for r, m in pairs if m["class"] == "emergency"]
    assert sum(r.message_class == "emergency" for r in emergencies) / len(emergencies) >= 0.95
    for mood_name in MOODS:
        assert any(r.mood == m["mood"] == mood_name for r, m in pairs)


def test_blind5_set_is_well_formed():
    """Blind 5 (issue 21, fourth round: another separate writer, rules and sets unseen), scored
    once with rules v7 final (docs/quality.md); a tuning set since the fifth round."""
    items = _load(DATA / "triage_blind5.jsonl")
    assert len(items) == 100
    assert [m["id"] for m in items] == [f"b5m{n:03d}" for n in range(1, 101)]
    for m in items:
        assert set(m) == FIELDS - {"split"}, m["id"]
        assert m["class"] in CLASSES and m["mood"] in MOODS, m["id"]
        assert m["subject"].strip() and m["body"].strip() and "@" in m["sender"], m["id"]
    assert Counter(m["class"] for m in items) == {"routine": 40, "urgent": 30, "emergency": 30}
    assert {m["mood"] for m in items} == set(MOODS)


TRAIN6 = [DATA / f"triage_train6_w{n}.jsonl" for n in (1, 2, 3)]
TRAIN6_MORE = [DATA / f"triage_train6_w{n}.jsonl" for n in range(4, 11)]


def test_train6_sets_are_well_formed():
    """Ten writers of the fifth round (issue 21), each a set of its own: about 90 messages, every
    class and mood, ids of the writer's prefix (c6am ... c6jm)."""
    prefixes = [f"c6{letter}m" for letter in "abcdefghij"]
    for path, prefix in zip(TRAIN6 + TRAIN6_MORE, prefixes, strict=True):
        items = _load(path)
        assert 85 <= len(items) <= 100, path.name
        assert len({m["id"] for m in items}) == len(items)
        for m in items:
            assert set(m) == FIELDS - {"split"} and m["id"].startswith(prefix), m["id"]
            assert m["class"] in CLASSES and m["mood"] in MOODS, m["id"]
            assert m["body"].strip() and "@" in m["sender"], m["id"]
        assert {m["class"] for m in items} == set(CLASSES)
        assert {m["mood"] for m in items} == set(MOODS)


def _emergency_figures(items: list[dict], learned: bool = False) -> tuple[float, float, float]:
    results = [
        classify(m["subject"], m["body"], sender=m["sender"], learned=learned) for m in items
    ]
    pairs = list(zip(results, items, strict=True))
    tp = sum(r.message_class == m["class"] == "emergency" for r, m in pairs)
    gold = sum(m["class"] == "emergency" for m in items)
    called = sum(r.message_class == "emergency" for r, _ in pairs)
    return tp / gold, tp / called, sum(r.message_class == m["class"] for r, m in pairs) / len(items)


@pytest.mark.parametrize(
    "path", [DATA / "triage_blind5.jsonl", *TRAIN6], ids=["blind5", "w1", "w2", "w3"]
)
def test_tuning_sets_of_round_five_hold_their_floor(path):
    """Blind 5 and train 6 w1-w3 were scored once each (docs/quality.md, "Round 5") and then read:
    rules v8-v9 were tuned on them, so they are a floor now, not an estimate. Every emergency
    found (recall >= 0.95) without crying wolf (precision >= 0.85), class read well."""
    recall, precision, class_acc = _emergency_figures(_load(path))
    assert recall >= 0.95 and precision >= 0.85, (recall, precision)
    assert class_acc >= 0.83, class_acc


@pytest.mark.parametrize("path", TRAIN6_MORE, ids=[f"w{n}" for n in range(4, 11)])
def test_seven_new_writers_hold_a_floor_as_shipped(path):
    """Train 6 w4-w10 (round 5b): the rules alone found 136 of their 184 emergencies when first
    scored; the emergency model (trained on them too, so in-sample here) must keep every writer
    at recall >= 0.95 and precision >= 0.85. The out-of-writer figures are in docs/quality.md."""
    recall, precision, class_acc = _emergency_figures(_load(path), learned=True)
    assert recall >= 0.95 and precision >= 0.85, (recall, precision)
    assert class_acc >= 0.85, class_acc
