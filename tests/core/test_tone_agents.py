"""Word classes for the learned excuse and blame models (ownup/core/tone/agents.py, round 7)."""

from __future__ import annotations

import pytest

from ownup.core.tone import agents, check
from ownup.core.tone.learned import Model, describe


def _classes(sentence: str) -> set[str]:
    return agents.sentence_features(sentence, 0, len(sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Mailchimp's import tool dropped half the list.", {"subject:party", "poss:party"}),
        ("The venue's system crashed at noon.", {"subject:party", "poss:party"}),
        ("Our freelancer missed it.", {"subject:ours", "ours:person"}),
        ("Your team sent the wrong file.", {"subject:you"}),
        ("The prop stylist brought the wrong shoes.", {"subject:party"}),
        ("The scheduling tool posted it early.", {"subject:system"}),
        ("We missed the deadline.", {"subject:us"}),
        ("Shopify renamed the collection handles overnight.", {"subject:party"}),
    ],
)
def test_the_subject_of_a_clause_is_read_by_its_kind(sentence, expected):
    assert expected <= _classes(sentence)


def test_a_time_or_a_pronoun_is_no_party():
    # "last year's figures", "it's", "that's": no one else is named
    assert "poss:party" not in _classes("We used last year's figures and it's our mistake.")
    assert "subject:party" not in _classes("This was our fault.")


@pytest.mark.parametrize(
    ("sentence", "cls"),
    [
        ("The copy is late because the brief changed.", "cause"),
        ("It slipped due to the rebrand.", "cause"),
        ("We were stretched with the rebrand.", "circ"),
        ("It was one of those weeks.", "circ"),
        ("It got lost in the handover.", "passive"),
        ("The deadline was moved.", "passive"),
    ],
)
def test_causes_circumstances_and_passive_failures(sentence, cls):
    assert cls in _classes(sentence)


def test_classes_count_only_next_to_a_failure_and_neighbours_lend_their_subject():
    per = [{"subject:party", "circ"}, {"subject:us"}, {"subject:you"}]
    out = agents.with_context(per, [False, True, False])
    # the first sentence is next to the failing second one: its classes count, marked +fail
    assert out[0] == {"subject:party+fail", "circ+fail"}
    # the second sees the party before it and the client after it; "we" is not lent
    assert out[1] == {"subject:us+fail", "next:subject:party", "next:subject:you"}
    # nothing fails away from a failure: no classes, only the neighbour's subject (not "we")
    far = agents.with_context([{"subject:party"}, {"subject:us"}], [False, False])
    assert far == [set(), {"next:subject:party"}]


def test_a_learned_call_on_a_class_still_names_its_words():
    said = "Sorry, the boxes are late: Harlow's van sat in the depot all week."
    text = "Thanks for the notes. " + said
    assert check(text, "other", learned=False).findings == []  # the rules see no blame
    weights = {"poss:party+fail": 3.0, "w:van": 1.0}
    report = check(text, "other", learned={"blame": Model("blame", -1.0, 0.5, weights)})
    [call] = [c for c in report.learned if c.category == "blame"]
    assert text[call.start : call.end] == said
    assert "w:van" in call.because
    [finding] = [f for f in report.findings if f.category == "blame"]
    assert "someone else's (a possessive) next to a failure" in finding.message
    assert "\u201cvan\u201d" in finding.message and finding.suggestion
    assert describe("next:subject:party") == (
        "someone else as the subject of the sentence before or after"
    )
