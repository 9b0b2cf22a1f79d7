"""Tone rules v10 (issue 21, round 8): blame rules that generalise across writers.

Each change has a draft that must be flagged and a near miss that must not; the near misses are
asked of the rules (``learned=False``) and of the whole check."""

from __future__ import annotations

import pytest

from ownup.core.tone import check


def blame(text: str, **kw) -> list[str]:
    """The words each blame finding points at."""
    return [text[f.start : f.end] for f in check(text, "other", **kw).findings
            if f.category == "blame"]


def test_every_blame_finding_points_at_words_and_a_better_wording():
    text = "Sorry the banner went out wrong: it was signed off by your practice manager."
    found = [f for f in check(text, "other").findings if f.category == "blame"]
    assert found and all(f.end > f.start and f.suggestion for f in found)


# An error *in* a named thing is where the error is, not who made it; a bug or an outage *in* a
# named system still names the system as the cause.
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Sorry the checkout failed: there was a bug in the Stripe plugin.", "bug in the Stripe"),
        ("Apologies: the error was caused by Fastly.", "caused by Fastly"),
    ],
)
def test_a_named_cause_or_faulty_system_is_blame(text, words):
    assert any(words in w for w in blame(text)), blame(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dear Ms Wong, I apologise for the error in the Traditional Chinese brochure. My typo.",
        "So sorry about the delay on the Christmas menu post. That one is on me.",
    ],
)
def test_an_error_in_a_named_deliverable_is_not_blame(text):
    assert blame(text, learned=False) == []
    assert blame(text) == []


# What the client's people did (approved, signed off, sent) is their fault next to a failure only.
def test_the_clients_sign_off_next_to_a_failure_is_blame():
    text = "Sorry the banner went out wrong: it was signed off by your practice manager."
    assert any("signed off by your practice manager" in w for w in blame(text, learned=False))


@pytest.mark.parametrize(
    "text",
    [
        "Update: the copy has been signed off by your comms team and goes live at 9.",
        "The claims page is approved by your PV team. We'll load it tonight.",
    ],
)
def test_the_clients_sign_off_in_a_status_update_is_not_blame(text):
    assert blame(text, learned=False) == []
    assert blame(text) == []


# "before your legal team had approved": the order of events, the agency's own failure.
def test_the_clients_approval_as_the_order_of_events_is_not_blame():
    text = ("We published the giveaway before your legal team had approved the terms. "
            "That was our mistake and I'm sorry.")
    assert blame(text, learned=False) == []
    assert blame(text) == []


def test_the_clients_late_approval_is_blame():
    text = "Sorry the giveaway slipped: your legal team approved the terms late."
    assert blame(text, learned=False)


def test_a_counterfactual_about_the_clients_manager_is_blame():
    text = "If your marketing manager had approved the copy on time, we'd have launched on Monday."
    assert any("if your marketing manager had" in w.lower() for w in blame(text, learned=False))


# A told-you-so opens its clause ("As I said in my last email, ..."); "like I said" after our own
# promise is the writer's own word, not the client's fault.
@pytest.mark.parametrize(
    "text",
    [
        "As I said in my last email, the artwork deadline was Friday, so the delay is not on us.",
        "Sorry it's late, but as I mentioned on the call, the files came in after the cut-off.",
    ],
)
def test_a_told_you_so_is_blame(text):
    assert blame(text, learned=False)


@pytest.mark.parametrize(
    "text",
    [
        "Jim, sorry this is late. I should have sent the draft Friday like I said.",
        "Please accept my apologies for not replying yesterday as I said I would.",
        "Sorry, the files are stored for 30 days, not deleted immediately as I said. I was wrong.",
    ],
)
def test_our_own_word_broken_is_not_a_told_you_so(text):
    assert blame(text, learned=False) == []
    assert blame(text) == []


# A non-apology is blame by the labelling convention (WRITERS.md); kept as it was.
def test_a_non_apology_stays_blame():
    assert blame("I'm sorry you feel the campaign fell short.", learned=False)
