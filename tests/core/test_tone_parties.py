"""Whose circumstance, whose hands, what if (agents.party_features, round 10; learned.PARTIES)."""

from __future__ import annotations

import pytest

from ownup.core.tone import agents


def _parties(sentence: str) -> set[str]:
    return agents.party_features(sentence, 0, len(sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a circumstance and the kind of its clause's subject
        ("Our photographer was off sick on Thursday.", {"circ:ours"}),
        ("The caterer was short-staffed all weekend.", {"circ:party"}),
        ("We've been flat out with the trade show.", {"circ:us"}),
        # the client's side, or another party, as where a thing came from or waited
        ("We only had the logo files from your brand team on Friday night.", {"src:you"}),
        ("The launch is waiting on the printer's proofs.", {"src:party"}),
        ("The post that went out was the wording your manager approved.", {"src:you"}),
        # what would have happened
        ("It would have gone live on Monday if the copy had come back in time.",
         {"counterfactual"}),
    ],
)
def test_whose_circumstance_and_whose_hands(sentence, expected):
    assert expected <= _parties(sentence)


def test_a_plain_update_names_none_of_them():
    assert _parties("The new homepage is live and the team is on the next batch.") == set()
