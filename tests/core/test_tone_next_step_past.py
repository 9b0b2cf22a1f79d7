"""Round 11 (issue 21): a time already gone is no next step (rules.toml [next_step] `past` /
`told`, engine.past_time; the learned next-step model does not point at such a sentence,
learned.PAST_TIME). Sentences written for this test, not taken from the labelled sets."""

from __future__ import annotations

import pytest

from ownup.core.tone import check, load_default_rules
from ownup.core.tone import learned as L
from ownup.core.tone.engine import analyse_parts, past_time

TRAPS = [
    "The walkthrough with your designer was at 11 a.m. on Tuesday.",
    "We shipped the brochures on Wednesday.",
    "I rang your office last Thursday about the proofs.",
    "The migration had been planned for 7am before the host moved it.",
    "Our photographer arrived at 8 and left by noon.",
    "The banner went live two days ago.",
    "You approved the copy yesterday afternoon.",
    "We talked it through on the 14th and agreed the palette.",
    "Earlier today the newsletter went out to the full list.",
    "The review call took place this morning at 9:30.",
]

STEPS = [
    "I'll phone you at half past four with the revised quote.",
    "You will have the corrected brochure PDF by Thursday noon.",
    "The new landing page goes live at 7 tomorrow morning.",
    "We're reprinting the labels on Monday.",
    "The patch will be installed tonight by our developer, not on Friday as we said last week.",
    "I'll send the recap of the call we had yesterday by 5 p.m. today.",
    "We reshot the hero image last week, and I'll share the finals on Friday.",
    "We moved the launch to next Tuesday, and I'll confirm the time by end of day.",
    "The workshop is scheduled for 10am on the 21st.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_a_time_already_gone_is_no_next_step(text):
    assert not check(text, learned=False).present["next_step"]
    assert not check(text).present["next_step"]


@pytest.mark.parametrize("text", STEPS)
def test_a_future_action_with_a_time_is_a_next_step(text):
    assert check(text, learned=False).present["next_step"]
    assert check(text).present["next_step"]


def _times(text):
    rs = load_default_rules()
    _, _, sents, matches, _ = analyse_parts(text, rs)
    return [
        (text[m.start():m.end()], past_time(text, m, *sents.span(sents.index(m.start())), rs,
                                            sents))
        for m in matches["time"]
    ]


def test_past_reading_is_per_clause():
    # the told half of the sentence is past, the promised half is ahead
    got = _times("We sent the draft on Monday, and I'll call you on Wednesday at 3.")
    assert ("Monday", True) in got
    assert ("Wednesday", False) in got


def test_a_slot_moved_to_is_ahead():
    # "moved it to Friday" tells a change, the time it points to is still to come
    got = _times("The agency moved the review to Friday.")
    assert got and not any(past for _, past in got)


def test_the_learned_model_does_not_point_at_a_past_time():
    text = "The call was at 2 p.m. yesterday."
    rs = load_default_rules()
    hits, present, sents, matches, kept = analyse_parts(text, rs)
    draft, sentences = L.features(text, rs, hits, present, sents, matches, kept)
    assert all(L.PAST_TIME in s.features for s in sentences)
    model = L.Model("next_step", 5.0, 0.5, {"w:call": 3.0, "cue:time": 3.0})
    assert L.judge(model, text, L.all_features(draft, sentences), sentences) is None
    # the same weights point at a sentence whose time is ahead
    ahead = "The call is at 2 p.m. tomorrow."
    hits, present, sents, matches, kept = analyse_parts(ahead, rs)
    draft, sentences = L.features(ahead, rs, hits, present, sents, matches, kept)
    assert not any(L.PAST_TIME in s.features for s in sentences)
    assert L.judge(model, ahead, L.all_features(draft, sentences), sentences) is not None

