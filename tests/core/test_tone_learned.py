"""The tone check's learned second opinion (ownup/core/tone/learned.py, weights learned.json).

The shipped weights load and keep the figures docs/quality.md records on the sets they were
trained on (floors, not exact outputs); a learned call never comes without a span of words.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from ownup.core.tone import CATEGORIES, ELEMENTS, check
from ownup.core.tone.learned import LABELS, Model, default_models, parse

DATA = Path(__file__).parent / "data"
LABEL_SET = CATEGORIES + ELEMENTS


def _load(name: str) -> list[dict]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _counts(records: list[dict], learned: bool) -> dict[str, Counter]:
    counts: dict[str, Counter] = {label: Counter() for label in LABEL_SET}
    for r in records:
        report = check(r["text"], r["kind"], names=r.get("names", ()), learned=learned)
        found = report.categories()
        for label in LABEL_SET:
            said = label in found if label in CATEGORIES else report.present[label]
            actual = bool(r["labels"][label])
            counts[label][("tp" if actual else "fp") if said else ("fn" if actual else "tn")] += 1
    return counts


def _prf(c: Counter) -> tuple[float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return p, (2 * p * r / (p + r) if p + r else 0.0)


# 18 in round 5b; round 7 adds blind 6's four writers and train 7 w11-w20 (the excuse and blame
# models; a train 7 writer landed later is not trained on until the next retrain)
ROUND7_WRITERS = (*(f"blind6_b{n}" for n in range(1, 5)), *(f"train7_w{n}" for n in range(11, 21)))
PROBLEM_WRITERS = ("corpus", "fresh", "wide+sealed", "blind2", "blind3", "blind4", "train5",
                   "blind5", *(f"train6_w{n}" for n in range(1, 11)), *ROUND7_WRITERS)
TRAIN7 = tuple(f"tone_{w}.jsonl" for w in ROUND7_WRITERS if w.startswith("train7"))
# round 8: all four problem models saw blind 7's four writers and train 8 w21-w28 too (44
# writers)
ROUND8_WRITERS = (*(f"blind7_b{n}" for n in range(1, 5)), *(f"train8_w{n}" for n in range(21, 29)))
ROUND8_MODELS = ("excuse", "blame", "minimizing", "overpromise")
TRAIN8 = tuple(f"tone_{w}.jsonl" for w in ROUND8_WRITERS if w.startswith("train8"))
# round 9: all four problem models and the element models saw blind 8's four writers (b8a-b8d)
# and train 9 w29-w32 too (52 writers)
ROUND9_WRITERS = (*(f"blind8_b{n}" for n in range(1, 5)), *(f"train9_w{n}" for n in range(29, 33)))
TRAIN9 = tuple(f"tone_{w}.jsonl" for w in ROUND9_WRITERS if w.startswith("train9"))
# round 10: excuse and blame retrained on all 56 writers (blind 9's b9a-b9d, blind 8 and train 9
# too); minimising and over-promise retrained on 56 broke the floors below (minimising on w1 by
# one wrong call, over-promise on w17 by five) and minimising keeps round 8's 44; over-promise on
# 56 ships with the round-10 reading of a promise (learned.promises; docs/quality.md, round 10)
ROUND10_WRITERS = tuple(f"blind9_b{n}" for n in range(1, 5))
# round 11: excuse and blame retrained on all 60 writers (blind 10's b10a-b10d too; docs/quality.md,
# round 11); over-promise keeps round 10's 56, minimising round 8's 44
ROUND11_WRITERS = tuple(f"blind10_b{n}" for n in range(1, 5))
ALL_WRITERS = {*PROBLEM_WRITERS, *ROUND8_WRITERS, *ROUND9_WRITERS, *ROUND10_WRITERS,
               *ROUND11_WRITERS}
ROUND9_MODELS = ("excuse",)
ROUND10_MODELS = ("excuse", "blame", "overpromise")
ROUND11_MODELS = ("excuse", "blame")
ROUND9_SETS = ("tone_blind8.jsonl", *TRAIN9)


def test_the_shipped_weights_load_with_a_threshold_each():
    raw = json.loads(resources.files("ownup.core.tone").joinpath("learned.json").read_text())
    # the apology model is the third round's (first corpus, fresh, wide; ownership, empathy
    # and next step were retrained on every writer in round 8: test_tone_elements.py); the
    # problem models of the fifth round were trained on every writer (bench/train_tone.py
    # --problems), and their thresholds set out of writer (docs/quality.md, "Round 5")
    assert not any("sealed" in s or "blind" in s for s in raw["trained_on"])
    writers = [s.split(" (")[0] for s in raw["problems_trained_on"]]
    assert set(writers) <= ALL_WRITERS
    # excuse, blame, minimising and over-promise were retrained on all 44 writers in round 8;
    # excuse on all 52 in round 9; excuse, blame and over-promise on all 56 in round 10; excuse
    # and blame on all 60 in round 11 (minimising retrained on 52 or 56 broke the outside-writer
    # floors below: it keeps round 8's 44, docs/quality.md)
    by_model = raw.get("problems_trained_on_by_model", {})
    for category in ROUND8_MODELS:
        seen = {s.split(" (")[0] for s in by_model.get(category, raw["problems_trained_on"])}
        want = ALL_WRITERS if category in ROUND11_MODELS else (
            ALL_WRITERS - set(ROUND11_WRITERS)) if category in ROUND10_MODELS else (
            ALL_WRITERS - set(ROUND11_WRITERS) - set(ROUND10_WRITERS) - set(ROUND9_WRITERS))
        assert seen == want, category
    models = default_models()
    assert set(models) == set(LABELS)  # see quality.md
    for category, m in models.items():
        assert m.category == category
        assert 0.0 < m.threshold < 1.0
        assert any(f.startswith(("w:", "b:")) for f in m.weights)


def test_unknown_category_in_weights_is_refused():
    with pytest.raises(ValueError, match="unknown category 'tone'"):
        parse({"models": {"tone": {"bias": 0, "threshold": 0.5, "weights": {}}}})
    # a category without a threshold did not earn its place: it is left out
    assert parse({"models": {"excuse": {"bias": 0, "threshold": None, "weights": {}}}}) == {}


@pytest.mark.parametrize("name", ["tone_wide.jsonl", "tone_corpus.jsonl"])
def test_rules_and_model_keep_the_recorded_figures_on_the_tuned_on_sets(name):
    """docs/quality.md: on the sets the model was trained on, rules + model keep precision and
    F1 at 0.9 or better for every category the model speaks on, and never fall below the rules."""
    records = _load(name)
    both, alone = _counts(records, True), _counts(records, False)
    low = {}
    for label in default_models():
        p, f1 = _prf(both[label])
        _, f1_rules = _prf(alone[label])
        if p < 0.9 or f1 < 0.9 or f1 < f1_rules - 0.01:
            low[label] = (round(p, 2), round(f1, 2), round(f1_rules, 2))
    assert not low, low


@pytest.mark.parametrize(
    "name",
    ["tone_blind5.jsonl", *(f"tone_train6_w{n}.jsonl" for n in range(1, 11)), "tone_blind6.jsonl",
     *TRAIN7, "tone_blind7.jsonl", *TRAIN8, "tone_blind8.jsonl", *TRAIN9, "tone_blind9.jsonl",
     "tone_blind10.jsonl"],
)
def test_the_problem_models_add_recall_on_the_outside_writers_without_costing_precision(name):
    """docs/quality.md, Round 5: on the writers no rule was written beside (trained on, so a
    floor, not an estimate) rules + model never fall below the rules alone in F1 for a problem,
    and lose at most 0.05 of the rules' precision (or stay at 0.90 or above). Blind 6 and train
    7 were trained on by the excuse and blame models in round 7 and by minimising and
    over-promise in round 8; blind 7 and train 8 by all four problem models (round 8); blind 8,
    train 9 and blind 9 by excuse and blame in round 10; blind 10 by excuse and blame in round
    11."""
    records = _load(name)
    both, alone = _counts(records, True), _counts(records, False)
    # every problem model has seen every writer up to round 8; the round-9 writers and blind 9
    # only those retrained in round 10
    labels = (ROUND11_MODELS if name == "tone_blind10.jsonl" else ROUND10_MODELS
              if name in (*ROUND9_SETS, "tone_blind9.jsonl") else CATEGORIES)
    low = {}
    for label in labels:
        p, f1 = _prf(both[label])
        p_rules, f1_rules = _prf(alone[label])
        # where the rules are near-perfect on a writer (P 1.00 on a few calls), a model call or
        # two more may cost more than 0.05: precision then stays at 0.90 at least (round 8)
        if f1 < f1_rules or p < min(p_rules - 0.05, 0.90):
            low[label] = (round(p, 2), round(f1, 2), round(p_rules, 2), round(f1_rules, 2))
    assert not low, low
    # at least 10 right calls added over the problems the models were trained for
    added = sum(both[label]["tp"] - alone[label]["tp"] for label in labels)
    assert added >= (10 if labels == CATEGORIES else 3)


def test_a_learned_call_always_points_at_words():
    calls = 0
    for name in ("tone_wide.jsonl", "tone_corpus.jsonl"):
        for r in _load(name):
            report = check(r["text"], r["kind"])
            for call in report.learned:
                calls += 1
                assert call.category in LABELS
                assert 0 <= call.start < call.end <= len(r["text"])
                assert r["text"][call.start : call.end].strip()
                assert any(f.startswith(("w:", "b:")) for f in call.because), call
            for f in report.findings:
                if not f.category.startswith("missing_"):
                    assert f.start < f.end and f.message and f.suggestion
    assert calls > 0


def _toy(category: str, bias: float, weights: dict[str, float]) -> dict[str, Model]:
    return {category: Model(category, bias, 0.5, weights)}


def test_a_problem_the_model_adds_is_a_finding_on_its_sentence_with_a_better_wording():
    text = "Thanks for the notes. The rollout will be zorbly handled. Talk soon."
    report = check(text, "other", learned=_toy("overpromise", -2.0, {"w:zorbly": 4.0}))
    [finding] = [f for f in report.findings if f.category == "overpromise"]
    assert text[finding.start : finding.end] == "The rollout will be zorbly handled."
    assert "learned check" in finding.message and "\u201czorbly\u201d" in finding.message
    assert finding.suggestion
    assert check(text, "other", learned=False).findings == []


def test_an_over_promise_call_needs_a_promise_word():
    """Round 8: a process change ("every release now gets a second check") is not a promise;
    the same words with a future or a guarantee are."""
    models = _toy("overpromise", -1.0, {"w:again": 2.0, "w:every": 2.0})
    text = "To stop it happening again, every release now gets a second check of the embargo time."
    assert "overpromise" not in check(text, "other", learned=models).categories()
    # round 10: a future alone does not make a process change a promise either
    text = "To stop it happening again, every release will get a second check from now on."
    assert "overpromise" not in check(text, "other", learned=models).categories()
    text = "To stop it happening again, every release gets checked so no embargo is ever missed."
    [finding] = [f for f in check(text, "other", learned=models).findings
                 if f.category == "overpromise"]
    assert text[finding.start : finding.end] == text and finding.suggestion


def _eager(text: str) -> dict[str, Model]:
    """A model that leans on every word of ``text`` (as the 56-writer retrain leant on promise
    words on w17, round 10): only the reading of the sentence can stop its call."""
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))
    return _toy("overpromise", -1.0, {f"w:{w}": 2.0 for w in words})


@pytest.mark.parametrize("text", [
    # a refused promise
    "I can't promise the keynote speaker will stay for questions, but a mic will be ready.",
    "Nobody can guarantee the marquee will stay dry if the storm turns, and we said so.",
    "I won't promise the regulator will answer this week; we'll chase them daily.",
    # a dated commitment by a person
    "We'll fold in both changes and send you the revised deck on Thursday.",
    "I'll ring the printer at 10 tomorrow and we will confirm the new proofs by noon.",
    # a process change
    "From now on every press release will get a second read before it goes out.",
    "An extra producer will be in the gallery for the remaining broadcasts.",
    "Going forward, the media list will be checked against the opt-out file weekly.",
])
def test_an_over_promise_call_reads_refusals_dated_steps_and_process_changes_as_the_rules(text):
    """Round 10: what the rules would not call an over-promise, the model may not either."""
    models = _eager(text)
    assert "overpromise" not in check(text, "other", learned=models).categories()
    assert "overpromise" not in check(text, "other").categories()  # nor the shipped check


@pytest.mark.parametrize("text", [
    "It will never happen again.",
    "Guaranteed first page by Friday.",
    "You have my word it'll be perfect.",
    "From now on it will never happen again, you have my word.",
    "Your site will be on the first page by Friday.",
    "Inshallah it will be fine and we will get the permit by tomorrow.",
])
def test_real_over_promises_still_reach_the_model(text):
    models = _eager(text)
    assert "overpromise" in check(text, "other", learned=models).categories()


def test_no_span_no_call_whatever_the_score():
    # every word weighs against: the score is high (bias) but no sentence carries it
    models = _toy("empathy", 9.0, {"w:rollout": -1.0, "w:thanks": -1.0})
    report = check("Thanks. The rollout is done.", "other", learned=models)
    assert report.learned == [] and report.present["empathy"] is False
    # only a cue, no word, carries it: still no call (a finding points at words)
    models = _toy("empathy", -1.0, {"cue:time": 5.0})
    report = check("The rollout is done by Friday.", "other", learned=models)
    assert report.learned == [] and report.present["empathy"] is False


def test_the_rules_reading_of_context_wins_over_the_model():
    """A phrase the rules set aside (a refused promise, a negation) is no evidence for the model
    in its sentence."""
    models = _toy("overpromise", 0.0, {"w:promise": 5.0, "w:never": 5.0})
    text = "I won't promise it will never happen again, but we've added a second check."
    assert "overpromise" not in check(text, "other", learned=models).categories()


def test_an_element_the_model_finds_removes_its_missing_finding():
    models = _toy("ownership", -1.0, {"w:zorbly": 4.0})
    text = "Sorry for the delay. We zorbly dropped it."
    report = check(text, "closure", learned=models)
    assert report.present["ownership"] is True
    assert "missing_ownership" not in report.categories()
    [call] = report.learned
    assert text[call.start : call.end] == "We zorbly dropped it."


def test_a_problem_rests_on_its_own_sentence():
    """A problem's probability is its sentence's: words in another sentence (the client's own
    office move) do not carry a finding onto "Sorry the copy is late."."""
    models = {"excuse": Model("excuse", -2.0, 0.5, {"w:late": 1.2, "w:office": 1.5})}
    text = "Sorry the copy is late. I hope the move at your office went well."
    assert "excuse" not in check(text, "other", learned=models).categories()
    text = "Sorry the copy is late, the office was being painted."
    assert "excuse" in check(text, "other", learned=models).categories()


def test_a_negated_failure_carries_no_blame():
    """The rules' negation reading wins: a sentence whose every failure word is negated is no
    excuse, blame or minimising, whatever the model's words say."""
    models = {"blame": Model("blame", -1.0, 0.5, {"w:side": 3.0})}
    assert "blame" not in check(
        "Nobody on your side did anything wrong.", "other", learned=models
    ).categories()
    assert "blame" in check(
        "Somebody on your side got the date wrong.", "other", learned=models
    ).categories()


def test_a_problem_finding_rests_on_a_content_word():
    """"will be" or "had" alone is no finding: a writer cannot act on an auxiliary."""
    models = {"overpromise": Model("overpromise", -1.0, 0.5, {"w:will": 2.0, "b:will be": 2.0})}
    text = "Someone from the team will be in contact."
    assert "overpromise" not in check(text, "other", learned=models).categories()
    models = {"overpromise": Model("overpromise", -1.0, 0.5, {"b:will be": 2.0, "w:zorbly": 2.0})}
    text = "The relaunch will be zorbly."
    [finding] = [f for f in check(text, "other", learned=models).findings
                 if f.category == "overpromise"]
    assert "zorbly" in finding.message and finding.suggestion


def test_the_shipped_problem_models_keep_the_rules_reading_of_negation_and_refusal():
    for text in (
        "Nobody on your side did anything wrong.",
        "I won't promise it will never happen again, but we've added a second check.",
        "It wasn't the courier's fault: we gave them the wrong address.",
        "Someone from the team will be in contact.",
    ):
        found = check(text, "other").categories()
        assert not found & {"blame", "overpromise", "minimizing"}, (text, found)
