"""Who the draft says caused the trouble (agents.culprit_features, round 11; learned.TOLD, a
trial that did not ship: docs/quality.md, "Round 11: tone"). New sentences, not blind 10's."""

from __future__ import annotations

import pytest

from ownup.core.tone import agents, learned
from ownup.core.tone import check as tone_check


def _culprits(sentence: str) -> set[str]:
    return agents.culprit_features(sentence, 0, len(sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a capitalised platform or tool as the subject that acted
        ("Dropbox synced an older copy over the final deck.", {"did:party"}),
        # an outfit the role list lacks
        ("The framing shop trimmed the poster two centimetres short.", {"did:party"}),
        # the client's side
        ("Your finance team changed the price list after sign-off.", {"did:you"}),
        # what follows "caused by" / "due to"
        ("The blank page was caused by the scheduler skipping a slot.", {"cause:system"}),
    ],
)
def test_who_did_it_and_what_caused_it(sentence, expected):
    assert expected <= _culprits(sentence)


def test_we_acting_names_no_culprit():
    assert _culprits("We moved the launch to Thursday and sent the new brief.") == set()


def test_the_trial_is_off_and_the_check_runs_with_it_on(monkeypatch):
    assert learned.TOLD is False
    text = "Hi Jo, sorry! Dropbox synced an older copy over the final deck. New link attached."
    before = tone_check(text, "apology").categories()
    monkeypatch.setattr(learned, "TOLD", True)
    # the shipped models hold none of its features: the calls cannot change
    assert tone_check(text, "apology").categories() == before
