"""Good news and plans on schedule are not emergencies, even where the emergency model's words
("already", "embargo", "live") lean that way (issue 21, round 10; docs/quality.md "Round 10:
triage"). The sentences are new: none is in a training set."""

from __future__ import annotations

import pytest

from ownup.core.triage import classify

GOOD_NEWS = [
    # a lifted or ended embargo, the release out after it
    "The embargo has lifted and the piece is up on Reuters now, exactly as we hoped.",
    "Once the embargo expired at noon the interview went out on Radio 4. Lovely result.",
    "Embargo ended at 6am; the launch story is now on three national sites.",
    # a plan on schedule
    "We're already on track for the 9am launch tomorrow, the assets are all signed off.",
    "Everything is on schedule for the product reveal on Thursday.",
    "The newsletter went out at 8 as planned and opens are already above average.",
    # good news with "already"
    "We've already had 40 bookings from the new landing page. Great start!",
    "The campaign has already passed its target for sign-ups, well done everyone.",
    "Great coverage already this morning, the Times piece is brilliant.",
    # applause, not a structure giving way
    "The audience gave the cast a standing ovation and they were bowing for ten minutes.",
]

STILL_EMERGENCIES = [
    # live BEFORE the embargo
    "The release is already live on the Mail's website and the embargo doesn't lift until 9!",
    "They have published the story two hours before the embargo lifted. Call me now.",
    # "already" in a real incident
    "The wrong price is already live on the homepage and orders are coming in at £1.",
    "The email with the wrong discount code has already gone to 40,000 subscribers.",
    "Customers' home addresses are already visible to anyone on the order page.",
]


@pytest.mark.parametrize("text", GOOD_NEWS)
def test_good_news_and_plans_are_not_emergencies(text):
    result = classify("", text)
    assert result.message_class != "emergency", [s.label for s in result.signals]


@pytest.mark.parametrize("text", STILL_EMERGENCIES)
def test_already_and_embargo_in_a_real_incident_are_still_emergencies(text):
    assert classify("", text).message_class == "emergency"


def test_the_guard_stops_only_the_models_raise_and_says_why():
    result = classify("", "The embargo lifted at 7 and the release is live on the BBC as planned.")
    labels = [s.label for s in result.signals]
    assert result.message_class != "emergency"
    assert "routine:good_news" in labels
    assert "learned:emergency" not in labels


@pytest.mark.parametrize("text", [
    "It did not go as planned: the post went live with the wrong date.",
    "We are not on track, the site is down and the launch is in an hour.",
    "The story went out before the embargo ended.",
])
def test_a_plan_gone_wrong_is_no_guard(text):
    labels = [s.label for s in classify("", text).signals]
    assert "routine:good_news" not in labels
