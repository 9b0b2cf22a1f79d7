"""Clause structure for the learned excuse and blame models (agents.clause_features, round 9)."""

from __future__ import annotations

import pytest

from ownup.core.tone import agents, check, learned
from ownup.core.tone.learned import Model


def _clauses(sentence: str) -> set[str]:
    return agents.clause_features(sentence, 0, len(sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the reason after because / since / due to, and before so / which is why
        ("The proofs are late because the printer had a paper shortage.",
         {"why:party", "why:trouble", "trouble:party"}),
        ("The courier van broke down, so the boxes missed the Friday slot.",
         {"why:party", "why:trouble"}),
        ("The handbook didn't say which size, so we guessed A4.", {"why:thing", "why:trouble"}),
        ("Your developer changed the template without telling us, which is why it broke.",
         {"why:you", "why:trouble", "trouble:you"}),
        ("It slipped since the whole team was off sick.", {"why:circ"}),
        # a trouble on a subject that is not the agency, with no connective at all
        ("The survey supplier had technical problems on Tuesday.", {"trouble:party"}),
        ("The upload was rejected by the photo agency.", {"by:party"}),
        ("The broken link was on Bitly's side, not ours.", {"notours"}),
    ],
)
def test_the_reason_clause_and_the_subject_of_a_trouble(sentence, expected):
    assert expected <= _clauses(sentence)


def test_a_reason_beside_our_own_failure_is_told_apart():
    own = _clauses("It went out early because I didn't check the time zone, and that's on me.")
    assert {"why:us", "owned", "why+owned"} <= own
    assert "trouble:party" not in own
    # no reason given, nobody else's trouble: none of the clause features
    assert _clauses("We sent the wrong file on Monday.") & {"why:party", "trouble:party"} == set()


def test_a_comma_before_the_connective_does_not_hide_the_reason():
    # ", so": the clause before the comma is the reason, not the empty piece between
    assert "why:thing" in _clauses("The two folders had the same name, so we sent the old one.")


def test_a_learned_call_on_a_clause_still_names_its_words(monkeypatch):
    monkeypatch.setattr(learned, "CLAUSES", True)
    said = "Sorry, the boxes are late because the freight partner had system issues all week."
    text = "Thanks for the notes. " + said
    weights = {"trouble:party+fail": 3.0, "w:freight": 1.0}
    report = check(text, "other", learned={"blame": Model("blame", -1.0, 0.5, weights)})
    [call] = [c for c in report.learned if c.category == "blame"]
    assert text[call.start : call.end] == said
    [finding] = [f for f in report.findings if f.category == "blame"]
    assert "a trouble pinned on someone else, next to a failure or setback" in finding.message
    assert "\u201cfreight\u201d" in finding.message and finding.suggestion
