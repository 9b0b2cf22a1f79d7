"""The learned mood reading of triage (ownup/core/triage_mood.py, issue 21 fifth round)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownup.core import triage, triage_mood
from ownup.core.triage import analysed_text, classify

DATA = Path(__file__).parent / "data"
TRAIN7 = sorted(DATA.glob("triage_train7_w*.jsonl"), key=lambda p: int(p.stem.split("_w")[1]))
TRAIN8 = sorted(DATA.glob("triage_train8_w*.jsonl"), key=lambda p: int(p.stem.split("_w")[1]))
TRAIN9 = sorted(DATA.glob("triage_train9_w*.jsonl"), key=lambda p: int(p.stem.split("_w")[1]))
SETS = ["triage_corpus", "triage_wide", "triage_sealed", "triage_blind2", "triage_blind3",
        "triage_blind4", "triage_blind5", *(f"triage_train6_w{n}" for n in range(1, 11)),
        "triage_blind6", *(p.stem for p in TRAIN7)]
# The authors the weights name: blind 6, 7, 8, 9 and 10 are four writers each (by id prefix),
# train 7, 8 and 9 one a file.
AUTHORS = ("corpus", "wide+sealed", "blind2", "blind3", "blind4", "blind5",
           *(f"train6_w{n}" for n in range(1, 11)), "b6a", "b6b", "b6c", "b6d",
           "b7a", "b7b", "b7c", "b7d", "b8a", "b8b", "b8c", "b8d",
           "b9a", "b9b", "b9c", "b9d", "b10a", "b10b", "b10c", "b10d",
           *(p.stem.removeprefix("triage_") for p in TRAIN7),
           *(p.stem.removeprefix("triage_") for p in TRAIN8),
           *(p.stem.removeprefix("triage_") for p in TRAIN9))


def _items() -> list[dict]:
    out = []
    for name in SETS:
        with (DATA / f"{name}.jsonl").open(encoding="utf-8") as fh:
            out += [json.loads(line) for line in fh if line.strip()]
    return out


def test_shipped_weights_load_and_name_what_they_were_trained_on():
    model = triage_mood.load()
    assert model is not None
    assert set(model.weights) == set(model.bias) == set(triage_mood.MOODS)
    # every author up to blind 10 and the train 7, 8 and 9 writers there were at training time (a
    # writer landed since is in AUTHORS, not yet in the weights: retrain with bench/)
    fixed = AUTHORS[: AUTHORS.index("train9_w29") + 1]
    assert model.trained_on[: len(fixed)] == fixed
    assert set(model.trained_on) <= set(AUTHORS)
    path = Path(triage_mood.__file__).with_name(triage_mood.WEIGHTS_FILE)
    # 29 authors: 214 KiB; 42: 267; 50: 293; 54: 306; 58 (round 11): 318
    assert path.stat().st_size < 320 * 1024
    assert json.loads(path.read_text(encoding="utf-8"))["rules_version"] == triage.RULES_VERSION


def test_every_learned_mood_is_explained_by_words():
    """Wherever the model changes the rules' mood, learned:mood:<mood> signals point at the
    words that carried it; where it does not, there is no learned signal."""
    changed = 0
    for m in _items():
        rules = classify(m["subject"], m["body"], learned=False)
        shipped = classify(m["subject"], m["body"])
        learned = [s for s in shipped.signals if s.label.startswith("learned:mood:")]
        # the class is the rules' unless the emergency model spoke (test_triage_emergency.py)
        assert shipped.message_class == rules.message_class or any(
            s.label in ("learned:emergency", "learned:not_emergency") for s in shipped.signals
        ), m["id"]
        if shipped.mood == rules.mood:
            assert not learned, m["id"]
            continue
        changed += 1
        assert learned and {s.label for s in learned} == {f"learned:mood:{shipped.mood}"}
        text = analysed_text(m["subject"], m["body"])
        for s in learned:
            assert s.text.strip() and text[s.start : s.end] == s.text, m["id"]
    assert changed > 0  # the model is in use


def test_the_model_never_calls_calm_what_the_rules_read_a_feeling_in():
    """Since round 5b the model never says calm where the rules read any feeling (a mood signal,
    or concern for harm, the press, money lost): calm comes only from the rules."""
    for m in _items():
        rules = classify(m["subject"], m["body"], learned=False)
        if classify(m["subject"], m["body"]).mood == "calm":
            assert rules.mood == "calm", m["id"]


def test_the_model_needs_a_margin_and_a_place_in_the_text():
    model = triage_mood.MoodModel(
        weights={"calm": {}, "concerned": {}, "upset": {}, "angry": {"w:livid": 5.0, "q:2": 9.0}},
        bias={"calm": 0.0, "concerned": 0.0, "upset": 0.0, "angry": 0.0},
        trained_on=(),
    )
    # a word with a place: the model's mood, and the span
    aimed = {"w:livid", "you:1"}  # said to someone ("you"): anger can be read (round 8)
    assert triage_mood.decide(model, aimed, "calm", lambda f: (3, 8)) == ("angry", [(3, 8)])
    # only a shape (two question marks) carries it: nothing to point at, the rules' mood stands
    assert triage_mood.decide(model, {"q:2"}, "calm", lambda f: None) == ("calm", [])
    # under the margin: the rules' mood stands
    weak = triage_mood.MoodModel(
        weights={**model.weights, "angry": {"w:livid": 0.5}}, bias=model.bias, trained_on=()
    )
    assert triage_mood.decide(weak, aimed, "calm", lambda f: (3, 8)) == ("calm", [])


def test_the_words_must_carry_the_change_not_the_shape_of_the_text():
    """Round 7: the words and signals alone must favour the model's mood by the margin. Trained
    on 29 authors, the model read "two people were taken to hospital" as angry for having no
    question mark and being short, and named "stage" and "afternoon" as its reasons."""
    model = triage_mood.MoodModel(
        weights={"calm": {}, "concerned": {}, "upset": {},
                 "angry": {"w:stage": 0.5, "q:0": 1.2, "len:short": 0.5}},
        bias={"calm": 0.0, "concerned": 0.0, "upset": 0.0, "angry": 0.0},
        trained_on=(),
    )
    feats = {"w:stage", "q:0", "len:short", "you:1"}
    # 2.2 above concerned in all, but the words say only 0.5 of it: the rules' mood stands
    assert triage_mood.decide(model, feats, "concerned", lambda f: (0, 5)) == ("concerned", [])
    assert triage_mood.decide(model, feats, "concerned", lambda f: (0, 5), word_margin=None) == (
        "angry", [(0, 5)])
    strong = triage_mood.MoodModel(
        weights={**model.weights, "angry": {"w:stage": 1.5, "q:0": 1.2}}, bias=model.bias,
        trained_on=(),
    )
    assert triage_mood.decide(strong, feats, "concerned", lambda f: (0, 5)) == ("angry", [(0, 5)])


def test_anger_must_be_aimed_at_someone():
    """Round 8: by the convention anger is hostility aimed at someone. Trained on 42 authors the
    model read "We're losing bookings every hour the calendar is down." as angry; it may call a
    message angry only where it says "you", asks, exclaims, or the rules read anger."""
    model = triage_mood.MoodModel(
        weights={"calm": {}, "concerned": {}, "upset": {}, "angry": {"w:losing": 4.0}},
        bias={"calm": 0.0, "concerned": 0.0, "upset": 0.0, "angry": 0.0},
        trained_on=(),
    )
    plain = {"w:losing", "you:0", "q:0"}
    assert triage_mood.decide(model, plain, "concerned", lambda f: (0, 6)) == ("concerned", [])
    for aim in ("you:2", "q:1", "excl", "sig:mood:angry:accusing"):
        assert triage_mood.decide(model, plain | {aim}, "concerned", lambda f: (0, 6)) == (
            "angry", [(0, 6)]), aim
    # and as shipped, the told-plainly loss stays concerned
    assert classify("Calendar", "We're losing bookings every hour the calendar is down.").mood == (
        "concerned")


def test_every_learned_mood_change_is_carried_by_words():
    """As shipped, on every labelled message: where the model changed the rules' mood, the words
    and signals alone favour its mood by at least the margin."""
    model = triage_mood.load()
    assert model is not None
    for m in _items()[::3]:
        result = classify(m["subject"], m["body"])
        feats, rule_mood = triage.learned_features(m["subject"], m["body"], m["sender"])
        if result.mood != rule_mood:
            assert triage_mood.said(model, feats, result.mood, rule_mood) > triage_mood.MARGIN


@pytest.mark.parametrize(
    "body",
    [
        # cold sarcasm and holding to account, worded afresh (in none of the sets)
        "I'm sure the board found the typo on slide one very amusing. Do let me know when the"
        " corrected deck is ready.",
        "You said the banners would be up by Monday. It's Thursday. I'd like someone to explain"
        " how that happened.",
        "Let me get this straight: the caterer was never booked? I am not paying for a second"
        " delivery, and I'd like to know who signed this off.",
    ],
)
def test_cold_anger_reads_as_angry_by_the_rules_and_as_shipped(body):
    assert classify("Banners", body, learned=False).mood == "angry"
    assert classify("Banners", body).mood == "angry"
