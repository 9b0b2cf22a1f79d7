"""Held-out quality of the tone check on the labelled corpus (tests/core/data/tone_corpus.jsonl).

Rules were tuned on the "tune" split only; this asserts the floor reached on the "test" split.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ownup.core.tone import CATEGORIES, ELEMENTS, KINDS, check

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "tone_corpus.jsonl"
# Issue 21: drafts in many other voices. Two thirds (wide) were tuned on; the sealed third was kept
# out of sight while the rules changed and is scored by bench/tone_quality.py --split sealed, not
# here, so no test failure ever invites tuning on it.
WIDE = DATA / "tone_wide.jsonl"
SEALED = DATA / "tone_sealed.jsonl"
LABELS = CATEGORIES + ELEMENTS
F1_FLOOR = 0.85


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def _scores(records: list[dict]) -> dict[str, float]:
    counts: dict[str, Counter] = {label: Counter() for label in LABELS}
    for r in records:
        report = check(r["text"], r["kind"], names=r.get("names", ()))
        found = report.categories()
        for label in LABELS:
            predicted = label in found if label in CATEGORIES else report.present[label]
            actual = bool(r["labels"][label])
            counts[label][
                "tp" if predicted and actual else "fp" if predicted else "fn" if actual else "tn"
            ] += 1
    f1 = {}
    for label, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        rc = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f1[label] = 2 * p * rc / (p + rc) if p + rc else 0.0
    return f1


def test_corpus_is_well_formed(corpus):
    assert len(corpus) >= 200
    ids = [r["id"] for r in corpus]
    assert len(set(ids)) == len(ids)
    for r in corpus:
        assert r["kind"] in KINDS
        assert r["split"] in ("tune", "test")
        assert set(r["labels"]) == set(LABELS)
        assert all(v in (0, 1) for v in r["labels"].values())
        assert r["text"].strip()
    test_share = sum(r["split"] == "test" for r in corpus) / len(corpus)
    assert 0.35 <= test_share <= 0.45
    for label in LABELS:  # every category has positives and negatives in the held-out split
        values = {r["labels"][label] for r in corpus if r["split"] == "test"}
        assert values == {0, 1}, label


def test_split_is_deterministic_by_id(corpus):
    for r in corpus:
        n = int(r["id"][1:])
        assert r["split"] == ("test" if n % 5 in (2, 4) else "tune")


def test_held_out_f1_per_category(corpus):
    f1 = _scores([r for r in corpus if r["split"] == "test"])
    low = {label: round(v, 3) for label, v in f1.items() if v < F1_FLOOR}
    assert not low, f"held-out F1 below {F1_FLOOR}: {low}"


def test_tune_f1_per_category(corpus):
    f1 = _scores([r for r in corpus if r["split"] == "tune"])
    assert min(f1.values()) >= F1_FLOOR, f1


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_wide_and_sealed_sets_are_well_formed():
    wide, sealed = _load(WIDE), _load(SEALED)
    assert len(wide) >= 200 and len(sealed) >= 100
    ids = [r["id"] for r in wide + sealed]
    assert len(set(ids)) == len(ids)
    for r in wide + sealed:
        assert r["kind"] in KINDS and set(r["labels"]) == set(LABELS) and r["text"].strip()
        # every third draft, by number, is in the sealed set
        assert (int(r["id"][1:]) % 3 == 0) == (r in sealed), r["id"]
    for label in LABELS:
        assert {r["labels"][label] for r in wide} == {0, 1}, label


def test_wide_set_precision_and_f1_per_category():
    """The issue's target, on the tuned two thirds: F1 >= 0.85 and precision >= 0.85."""
    records = _load(WIDE)
    counts: dict[str, Counter] = {label: Counter() for label in LABELS}
    for r in records:
        report = check(r["text"], r["kind"])
        found = report.categories()
        for label in LABELS:
            predicted = label in found if label in CATEGORIES else report.present[label]
            actual = bool(r["labels"][label])
            outcome = ("tp" if actual else "fp") if predicted else ("fn" if actual else "tn")
            counts[label][outcome] += 1
    low = {}
    for label, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        rc = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        if p < F1_FLOOR or f1 < F1_FLOOR:
            low[label] = (round(p, 2), round(f1, 2))
    assert not low, f"precision/F1 below {F1_FLOOR}: {low}"


def test_every_finding_on_the_wide_set_points_at_words_with_a_better_wording():
    for r in _load(WIDE):
        for f in check(r["text"], r["kind"]).findings:
            assert f.message and f.suggestion, (r["id"], f.category)
            if not f.category.startswith("missing_"):
                assert 0 <= f.start < f.end <= len(r["text"]), r["id"]
                assert r["text"][f.start : f.end].strip(), r["id"]


def test_blind4_set_is_well_formed():
    """The independent set of issue 21's third round (written by a separate engineer who had not
    seen the rules), scored once, then a tuning set from the fourth round on (rules v8 read its
    errors). Shape only."""
    blind = _load(DATA / "tone_blind4.jsonl")
    assert len(blind) == 240
    ids = [r["id"] for r in blind]
    assert len(set(ids)) == len(ids)
    others = {r["id"] for name in ("tone_wide.jsonl", "tone_sealed.jsonl", "tone_corpus.jsonl")
              for r in _load(DATA / name)}
    assert not others & set(ids)
    for r in blind:
        assert r["kind"] in KINDS and set(r["labels"]) == set(LABELS) and r["text"].strip()
        assert all(v in (0, 1) for v in r["labels"].values())
    for label in LABELS:
        assert {r["labels"][label] for r in blind} == {0, 1}, label


TRAIN6 = tuple(f"tone_train6_w{n}.jsonl" for n in range(1, 11))
# round 7: train 7 writers as the lead lands them (bench/train_tone.py writers() reads them by glob)
TRAIN7 = tuple(sorted(p.name for p in DATA.glob("tone_train7_w*.jsonl")))
ROUND_SETS = ("tone_train5.jsonl", "tone_blind5.jsonl", "tone_blind6.jsonl", *TRAIN6, *TRAIN7)


@pytest.mark.parametrize(("name", "size"), [("tone_train5.jsonl", 500), ("tone_blind5.jsonl", 200),
                                            *((name, 200) for name in (*TRAIN6, *TRAIN7))])
def test_fourth_and_fifth_round_sets_are_well_formed(name, size):
    """Train 5 (tuned and trained on); blind 5 (issue 21, fourth round: another writer who saw no
    rules, code or labelled sets; scored once with rules v9 final, a training and tuning set since
    the fifth round); train 6 w1/w2/w3 (fifth round) and w4-w10 (round 5b): ten more independent
    writers, training and tuning sets, each one writer in the leave-one-writer-out estimate of
    bench/tone_lowo.py; train 7 w11- (round 7) likewise.
    Shape only: their figures live in docs/quality.md."""
    rows = _load(DATA / name)
    assert len(rows) == size
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    others = {
        r["id"]
        for other in ("tone_wide.jsonl", "tone_sealed.jsonl", "tone_corpus.jsonl",
                      "tone_blind4.jsonl", *ROUND_SETS)
        if other != name
        for r in _load(DATA / other)
    }
    assert not others & set(ids)
    for r in rows:
        assert r["kind"] in KINDS and set(r["labels"]) == set(LABELS) and r["text"].strip()
        assert all(v in (0, 1) for v in r["labels"].values())
    for label in LABELS:
        assert {r["labels"][label] for r in rows} == {0, 1}, label
