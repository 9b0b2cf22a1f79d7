"""Unit tests of ownup.core.triage: signals, offsets, negation, quoting, policy rules."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownup.core import triage
from ownup.core.triage import (
    CLASSES,
    MOODS,
    Signal,
    Triage,
    TriageRules,
    analysed_text,
    classify,
    compile_rules,
)

CORPUS = Path(__file__).parent / "data" / "triage_corpus.jsonl"


def labels(result: Triage) -> set[str]:
    return {s.label for s in result.signals}


def assert_offsets(subject: str, body: str, result: Triage) -> None:
    text = analysed_text(subject, body)
    for s in result.signals:
        if s.label == "rule:vip_contact":
            assert (s.text, s.start, s.end) == ("", 0, 0)
        else:
            assert text[s.start : s.end] == s.text, s
            assert s.text


# --- interface ------------------------------------------------------------------------------


def test_constants_and_dataclasses():
    assert CLASSES == ("routine", "urgent", "emergency")
    assert MOODS == ("calm", "concerned", "upset", "angry")
    sig = Signal("urgent:chaser", "chasing", 3, 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sig.start = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TriageRules().vip_contacts = ("x",)  # type: ignore[misc]


def test_to_dict_shape_is_exact():
    result = classify("Still waiting", "Any update on the report? We need it today.")
    d = result.to_dict()
    assert list(d) == ["class", "mood", "signals"]
    assert d["class"] == result.message_class == "urgent"
    assert all(list(s) == ["label", "text", "start", "end"] for s in d["signals"])
    json.dumps(d)  # serialisable


def test_analysed_text_is_subject_blank_line_body():
    assert analysed_text("Subj", "Body") == "Subj\n\nBody"


def test_empty_message_is_routine_calm():
    result = classify("", "")
    assert (result.message_class, result.mood, result.signals) == ("routine", "calm", [])


def test_plain_message_is_routine_calm():
    result = classify("Photos", "Hi, photos from the event attached. Thanks, Sam")
    assert (result.message_class, result.mood) == ("routine", "calm")


# --- each signal kind -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "label", "expected_class"),
    [
        ("Our post is going viral for all the wrong reasons.", "emergency:viral", "emergency"),
        (
            "We think we have had a data breach on the microsite.",
            "emergency:data_breach",
            "emergency",
        ),
        ("Our checkout is broken since the release.", "emergency:checkout", "emergency"),
        ("It is charging customers twice.", "emergency:checkout", "emergency"),
        (
            "Ads show £5 instead of £500 and the regulator has called.",
            "emergency:wrong_price",
            "emergency",
        ),
        (
            "Cease and desist received: take the ads down immediately.",
            "emergency:legal_action",
            "emergency",
        ),
        ("We are issuing a product recall.", "emergency:safety", "emergency"),
        (
            "The email went out to the wrong list with the redundancy plans.",
            "emergency:wrong_audience",
            "emergency",
        ),
        ("Still waiting for the report.", "urgent:chaser", "urgent"),
        ("Sorry to chase, any update on the proofs?", "urgent:chaser", "urgent"),
        ("Please send the deck by end of day.", "urgent:deadline_today", "urgent"),
        ("The printer needs it by 3pm.", "urgent:deadline_today", "urgent"),
        ("We are reviewing our agency relationship.", "urgent:relationship_risk", "urgent"),
    ],
)
def test_class_signals(body, label, expected_class):
    result = classify("Message", body)
    assert label in labels(result)
    assert result.message_class == expected_class
    assert_offsets("Message", body, result)


@pytest.mark.parametrize(
    ("body", "label", "mood"),
    [
        ("This is a f***ing mess.", "mood:angry:profanity", "angry"),
        ("What the hell happened to the ads", "mood:angry:profanity", "angry"),
        ("Frankly this is unacceptable.", "mood:angry:unacceptable", "angry"),
        ("I am extremely disappointed with the shoot.", "mood:upset:let_down", "upset"),
        ("Honestly I'm gutted, the whole team feels let down.", "mood:upset:distress", "upset"),
        ("I shouldn't have to check your work myself.", "mood:angry:demanding", "angry"),
        ("I'm a bit worried about the numbers.", "mood:concerned:worry", "concerned"),
        ("We are slightly nervous about the launch.", "mood:concerned:worry", "concerned"),
    ],
)
def test_mood_signals(body, label, mood):
    result = classify("Message", body)
    assert label in labels(result)
    assert result.mood == mood


def test_shouting_needs_several_caps_words_and_skips_acronyms():
    body = "The price is WRONG and it is STILL LIVE on the site."
    result = classify("Ads", body)
    shouts = [s for s in result.signals if s.label == "mood:angry:shouting"]
    assert [s.text for s in shouts] == ["WRONG", "STILL LIVE"]
    assert_offsets("Ads", body, result)
    # Acronyms are not shouting, and one capitalised word is not either.
    calm = classify("Report", "The PPC and SEO report for the CEO is ready, see the PDF. Thanks")
    assert "mood:angry:shouting" not in labels(calm)
    assert "mood:angry:shouting" not in labels(classify("x", "Please read this NOW."))


def test_exclamations_are_a_mood_signal_but_not_anger_alone():
    result = classify("Ads", "Why is this still running?! I told you!!!")
    assert "mood:angry:exclamations" in labels(result)
    assert result.mood == "concerned"
    assert classify("Ads", "Why is this still running?! Ridiculous!!").mood == "angry"


def test_weak_evidence_alone_is_urgent_not_emergency():
    # A wrong price or a lawyer's name alone needs corroboration to be an emergency (the rules).
    assert classify("x", "The banner shows the wrong price.").message_class == "urgent"
    price = "The banner shows £5 instead of £50."
    assert classify("x", price, learned=False).message_class == "urgent"
    # Round 11's emergency model reads figures (num:money) and scores this line within a few
    # hundredths of its raise threshold (-1.46 / -1.55 in two retrains against -1.5): either way
    # it is never called routine, and a raise rests on words of the text, shown as learned.
    result = classify("x", price)
    learned = {s.text for s in result.signals if s.label == "learned:emergency"}
    assert result.message_class in ("urgent", "emergency")
    assert (result.message_class == "emergency") == bool(learned)
    assert all(w in price for w in learned)
    lawyers = "Our lawyers have written about the ad."
    assert classify("x", lawyers, learned=False).message_class == "urgent"
    # The 54-author emergency model (round 10) raises this bare line (z -1.39, raise_at -1.5;
    # the 50-author one scored it -1.70): a learned opinion, shown as such, on words of the text.
    result = classify("x", lawyers)
    learned = {s.text for s in result.signals if s.label == "learned:emergency"}
    assert result.message_class == "emergency" and learned <= {"Our", "lawyers", "ad"} and learned


def test_calm_but_emergency():
    body = "Hi, quick heads up, our checkout seems to be charging people twice. Cheers, Rob"
    result = classify("Checkout", body)
    assert (result.message_class, result.mood) == ("emergency", "calm")


def test_a_matter_of_fact_emergency_is_calm_and_harm_to_people_is_a_concern():
    result = classify("Recall", "We are recalling the trike. Can you draft the notice?")
    assert (result.message_class, result.mood) == ("emergency", "calm")
    result = classify("Recall", "A child was hurt on the trike. Can you draft the notice?")
    assert (result.message_class, result.mood) == ("emergency", "concerned")


def test_angry_but_routine():
    body = (
        "Our council closed the car park, I'm fuming about it. Mention Mill Lane parking in "
        "the next newsletter please."
    )
    result = classify("Parking", body)
    assert (result.message_class, result.mood) == ("routine", "angry")


# --- negation and context -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Could you update the menu? No rush at all.",
        "This is not urgent, update the menu when you can.",
        "Whenever you get a chance, could you send the breakdown?",
        "It isn’t urgent, but could you share the lookbook?",
    ],
)
def test_negated_urgency_is_routine(body):
    result = classify("Request", body)
    assert result.message_class == "routine"
    assert any(s.label == "routine:no_rush" for s in result.signals)


def test_not_a_crisis_is_not_an_emergency():
    body = "This isn't a crisis but a Facebook group is discussing our comments. Keep an eye."
    result = classify("Heads up", body)
    assert result.message_class != "emergency"
    assert "emergency:keyword" not in labels(result)
    assert "routine:not_emergency" in labels(result)


def test_out_of_office_boilerplate_is_routine():
    body = (
        "I am out of the office until Monday. For urgent matters please contact reception.\n\n"
        "If this is a medical emergency, call 999."
    )
    result = classify("Automatic reply", body)
    assert result.message_class == "routine"
    assert not any(s.label.startswith(("urgent:", "emergency:")) for s in result.signals)


def test_crisis_as_a_topic_is_not_a_crisis():
    result = classify("Workshop", "Could we book the crisis communications plan workshop in May?")
    assert result.message_class == "routine"


# --- quoted text, signatures, disclaimers ---------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "> URGENT: the website is down and the checkout is broken!!!",
        "On Sat, 6 Jul 2024 at 22:15, Chris <c@x.example> wrote:\nThe website is down, crisis!",
        "On Sat, 6 Jul 2024 at 22:15, Chris Young <chris.young@some-long-domain.example>\n"
        "wrote:\nThe website is down, crisis!",
        "-----Original Message-----\nFrom: Chris\nSubject: crisis\n\nThe website is down!!!",
        "From: Chris Young\nSent: 12 March 2024 10:14\nTo: Amy\n\nCrisis: website is down!!!",
    ],
)
def test_quoted_old_message_does_not_drive_class(quote):
    body = f"Thanks, that all makes sense.\n\n{quote}"
    result = classify("Update", body)
    assert (result.message_class, result.mood) == ("routine", "calm")
    assert result.signals == []


def test_new_text_above_the_quote_still_counts():
    body = "Still waiting on this, we need it today.\n\n> Hi, we'll send it on Friday."
    result = classify("Report", body)
    assert result.message_class == "urgent"
    assert all(s.start < len("Report\n\n") + 40 for s in result.signals)


def test_reply_subject_is_ignored_but_forward_subject_is_read():
    body = "All good now, thanks for the help."
    assert classify("Re: URGENT: site down!", body).message_class == "routine"
    assert classify("Fwd: our post is going viral", "See below.").message_class == "emergency"


def test_signature_and_disclaimer_are_ignored():
    body = (
        "Please find the guidelines attached.\n\nKind regards,\nElena\nHead of Safety & Crisis\n"
        "Emergency out-of-hours line: 020 7946 0000\n\n"
        "This email is confidential. If you received it in error, this is urgent: delete it."
    )
    result = classify("Guidelines", body)
    assert (result.message_class, result.mood, result.signals) == ("routine", "calm", [])
    sig = "Photos attached.\n-- \nJo | 24/7 crisis hotline | We are going viral!"
    assert classify("Photos", sig).message_class == "routine"


def test_newsletter_footer_is_ignored():
    body = "Top stories this week.\n\nUnsubscribe | Urgent update to our terms | data breach"
    assert classify("Newsletter", body).message_class == "routine"


# --- policy rules ---------------------------------------------------------------------------


def test_vip_sender_raises_routine_to_urgent():
    rules = TriageRules(vip_contacts=("@bigclient.example", "ceo@other.example"))
    base = classify("Hello", "Photos attached.", sender="amy@bigclient.example")
    assert base.message_class == "routine"
    for sender in ("amy@bigclient.example", "Amy <AMY@BigClient.example>", "ceo@other.example"):
        result = classify("Hello", "Photos attached.", sender=sender, rules=rules)
        assert result.message_class == "urgent", sender
        assert Signal("rule:vip_contact", "", 0, 0) in result.signals
    other = classify("Hello", "Photos attached.", sender="cfo@other.example", rules=rules)
    assert other.message_class == "routine"
    assert "rule:vip_contact" not in labels(other)
    # A VIP never lowers an emergency.
    crisis = classify("x", "We have a data breach.", sender="amy@bigclient.example", rules=rules)
    assert crisis.message_class == "emergency"


def test_custom_keywords():
    rules = TriageRules(emergency_keywords=("product withdrawal",), urgent_keywords=("launch",))
    body = "Quick note: Product Withdrawal planned for the launch."
    result = classify("Plan", body, rules=rules)
    assert result.message_class == "emergency"
    found = {(s.label, s.text) for s in result.signals}
    assert ("rule:emergency_keyword", "Product Withdrawal") in found
    assert ("rule:urgent_keyword", "launch") in found
    assert_offsets("Plan", body, result)
    # Whole words only, and not from quoted text.
    assert classify("x", "Relaunching in May.", rules=rules).message_class == "routine"
    quoted = classify("x", "Thanks.\n\n> product withdrawal", rules=rules)
    assert quoted.message_class == "routine"
    assert classify("x", "The launch is in May.", rules=rules).message_class == "urgent"


def test_no_rules_and_empty_rules_agree():
    body = "Could you update the site when you get a chance?"
    assert classify("x", body).to_dict() == classify("x", body, rules=TriageRules()).to_dict()


# --- unicode and offsets --------------------------------------------------------------------


def test_unicode_offsets_hold():
    subject = "Lookbook 🌸 İstanbul"
    body = "Zoë here 😟 — our post went viral and we’re worried. İİİ still waiting!!"
    result = classify(subject, body)
    assert_offsets(subject, body, result)
    assert {"emergency:viral", "mood:concerned:worry", "urgent:chaser"} <= labels(result)


def _corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_offsets_hold_on_the_whole_corpus():
    for m in _corpus():
        assert_offsets(m["subject"], m["body"], classify(m["subject"], m["body"]))


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(
            [
                "still waiting",
                "URGENT",
                "viral",
                "no rush",
                "> quoted",
                "\n",
                "!!",
                "İ",
                "’",
                "not a crisis",
                "today",
                "On Mon wrote:",
                "Kind regards,",
                "worried",
                " ",
                "f***",
            ]
        )
        | st.text(max_size=12),
        max_size=20,
    ),
)
def test_offsets_hold_on_arbitrary_text(subject, pieces):
    body = " ".join(pieces)
    result = classify(subject, body, rules=TriageRules(urgent_keywords=("today",)))
    assert result.message_class in CLASSES and result.mood in MOODS
    assert_offsets(subject, body, result)


# --- the rules file and its compiler ---------------------------------------------------------


def _naive_scan(data: dict, lowered: str) -> list[tuple[int, int, int]]:
    """Reference semantics: one alternation, tried at every position, earlier rule wins."""
    parts, loose = [], []
    for i, entry in enumerate(data["rule"]):
        wrapped = [triage._wrap(p, entry.get("word_boundary", True)) for p in entry["patterns"]]
        group = f"(?P<r{i}>{'|'.join(wrapped)})"
        (parts if entry.get("word_boundary", True) else loose).append(group)
    words = re.compile("|".join(parts))
    found = [(int(m.lastgroup[1:]), *m.span()) for m in words.finditer(lowered)]
    for m in re.compile("|".join(loose)).finditer(lowered):
        if not any(s < m.end() and m.start() < e for _, s, e in found):
            found.append((int(m.lastgroup[1:]), *m.span()))
    return found


def _naive_cues(data: dict, lowered: str, kind: str) -> list[tuple[int, int, int]]:
    """The lean cues filed under ``kind``, with the same reference semantics as the rules."""
    groups = []
    for i, cue in enumerate(data["lean"]["cue"]):
        if (cue.get("kinds") or [cue.get("kind")])[0] == kind:
            patterns = "|".join(triage._wrap(p, True) for p in cue["patterns"])
            groups.append(f"(?P<c{i}>{patterns})")
    return [(int(m.lastgroup[1:]), *m.span()) for m in re.finditer("|".join(groups), lowered)]


def test_first_character_dispatch_matches_the_naive_scan():
    with triage.RULES_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    cues_seen = 0
    for m in _corpus():
        lowered = triage._lower(triage._new_text(m["subject"], m["body"]))
        assert triage._scan(lowered) == _naive_scan(data, lowered), m["id"]
        for kind in data["lean"]["needs"]:
            cues = triage._cues(lowered, kind)
            assert cues == _naive_cues(data, lowered, kind), (m["id"], kind)
            cues_seen += len(cues)
    assert cues_seen > 100  # the cue scanners are exercised, not just empty on both sides


def test_rules_file_is_versioned_and_labels_are_well_formed():
    with triage.RULES_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    assert isinstance(data["version"], int) and data["version"] >= 1
    assert triage.RULES_VERSION == data["version"]
    for entry in data["rule"]:
        assert re.fullmatch(
            r"(emergency|urgent|routine|context|mood:(angry|upset|concerned|calm)):[a-z_]+",
            entry["label"],
        ), entry["label"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("Viral", "lower case"), ("(?P<x>viral)", "named groups"), ("(viral", "missing")],
)
def test_compile_rules_rejects_bad_patterns(pattern, message):
    data = {
        "thresholds": {"emergency": 3, "urgent": 2, "angry": 3, "concerned": 1.5},
        "rule": [{"label": "emergency:x", "emergency": 3, "patterns": [pattern]}],
    }
    with pytest.raises(Exception, match=message):
        compile_rules(data)


def test_compile_rules_accepts_a_minimal_file():
    data = {
        "version": 7,
        "thresholds": {"emergency": 3, "urgent": 2, "angry": 3, "concerned": 1.5},
        "rule": [{"label": "emergency:x", "emergency": 3, "patterns": ["sky is falling"]}],
    }
    compiled = compile_rules(data)
    assert compiled.version == 7
    assert [r.label for r in compiled.rules] == ["emergency:x"]
    assert [m.group() for m in compiled.scanner.finditer("sky is falling now", [(0, "sk")])] == [
        "sky is falling"
    ]


# --- issue 21: bugs seen on independent mail, each generalised ----------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Can we book the crisis-comms workshop for the new starters next month?",
        "Attached is our emergency-planning checklist for the festival, for your files.",
        "Our housing crisis report launches in May; could you draft the release?",
    ],
)
def test_crisis_as_a_topic_is_not_an_emergency_hyphen_or_not(body):
    assert classify("Planning", body).message_class != "emergency"


@pytest.mark.parametrize(
    "body",
    [
        "The booking link is broken. Please make sure it's fixed before Monday.",
        "Can you let me know once everything is resolved?",
        "I need the form sorted. Check that it's fixed on mobile too.",
    ],
)
def test_a_wish_that_it_is_fixed_is_not_news_that_it_is(body):
    assert "routine:resolved" not in labels(classify("Form", body))


def test_news_that_it_is_fixed_still_counts():
    assert "routine:resolved" in labels(classify("Form", "Panic over - it's all sorted now."))


@pytest.mark.parametrize(
    "body",
    [
        "Thanks SO much for the 'comprehensive' audit. Really useful to find the gaps ourselves.",
        "Oh great, another report with last month's numbers in it.",
        "Cheers for nothing. The so-called strategy is a copy of last year's.",
    ],
)
def test_sarcasm_reads_as_angry_not_calm(body):
    assert classify("Audit", body).mood == "angry"


@pytest.mark.parametrize(
    "body",
    [
        "We have received a cease-and-desist letter from Brandwell about the campaign name.",
        "Their solicitors have sent a letter before action over the comparison ad.",
        "A supplier is threatening to sue us over the post you wrote about them.",
    ],
)
def test_a_legal_threat_alone_is_an_emergency(body):
    assert classify("Letter", body).message_class == "emergency"


@pytest.mark.parametrize(
    "body",
    [
        "Part of the stage collapsed at the Leeds roadshow this afternoon; two people were taken"
        " to hospital.",
        "A lighting rig came down during set-up at the expo. Paramedics are on site.",
        "Someone fell from the scaffolding at the pop-up and the police are here.",
    ],
)
def test_a_safety_incident_at_an_event_is_an_emergency_and_not_calm(body):
    result = classify("Roadshow", body)
    assert (result.message_class, result.mood) == ("emergency", "concerned")


@pytest.mark.parametrize(
    ("body", "mood"),
    [
        ("I'm really disappointed. I felt let down in front of my board.", "upset"),
        ("Honestly I'm gutted about the photos, we'd waited months for this.", "upset"),
        ("This is unacceptable and I want an explanation today.", "angry"),
        ("I'm a little worried the numbers are dipping - could we talk?", "concerned"),
        ("Lovely, thanks - see you Tuesday.", "calm"),
    ],
)
def test_four_moods(body, mood):
    assert classify("Re: Shoot", body).mood == mood


def test_i_am_is_not_shouting_but_a_word_in_capitals_is_emphasis():
    calm = classify("Logo", "I've been living with it. I'm not sure. I'll think it over. Thanks")
    assert not any(s.label.startswith("mood:angry") for s in calm.signals)
    loud = classify("Report", "Where is the report?! I need it NOW.")
    assert "mood:angry:emphasis" in labels(loud) and loud.mood == "angry"
    label = classify("URGENT: copy", "Could you send the copy today? Thanks")
    assert "mood:angry:emphasis" not in labels(label)


# Issue 21, rules v6: emergencies read from their kind, in wordings no rule quotes.
@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Portal", "Since lunch none of our members can sign in to renew. Please look."),
        ("Bookings", "The widget is erroring for every visitor on mobile, all afternoon."),
        ("Sales", "We're losing bookings by the hour while the calendar shows fully booked."),
        (
            "Confirmation emails",
            "A member says her receipt shows another member's address and card ending.",
        ),
        (
            "Letter",
            "Ofgem have written asking how the tariff comparison on our site was worked out.",
        ),
        ("Label", "The care sheet gives the wrong dose for puppies. It might harm someone's dog."),
        ("Slides", "The deck was meant to be confidential and went on the public page."),
        ("Depot", "Drivers have gone on strike and a reporter is writing a piece for tomorrow."),
    ],
)
def test_emergencies_by_kind_in_other_words(subject, body):
    assert triage.classify(subject, body).message_class == "emergency"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Training",
            "Could you quote for a session on what to do when nobody can reach the office?",
        ),
        ("Timing", "The webinar starts in 10 minutes, see you there!"),
        ("Licence", "Can you check the font licence covers the new microsite? No rush."),
    ],
)
def test_the_new_emergency_kinds_leave_routine_alone(subject, body):
    assert triage.classify(subject, body).message_class != "emergency"


# --- rules v7: shapes read from blind set 4's errors (issue 21, fourth round) ----------------
# Each case is worded afresh: the shape, not the blind message.


@pytest.mark.parametrize(
    ("body", "label"),
    [
        # money running away: two sums far apart and a word of spending
        (
            "TikTok has charged us $9,400 since Friday on a test budget of $300. Please stop it.",
            "emergency:runaway_spend",
        ),
        (
            "The display campaign is at €2.5k today against a €150 daily cap.",
            "emergency:runaway_spend",
        ),
        # the kit a live event runs on has failed, while it runs
        (
            "The sound system in hall B has cut out halfway through the panel and 200 people are"
            " sitting in silence. We need a technician.",
            "emergency:live_failure",
        ),
        (
            "Livestream is down for everyone watching from home, the award ceremony starts at 7.",
            "emergency:live_failure",
        ),
        # nothing getting through, volume stuck
        (
            "Since this morning's release none of the bookings are getting through to the hotel"
            " system.",
            "emergency:mass_failure",
        ),
        (
            "We have 540 donations stuck in the payment provider's queue since the telethon began.",
            "emergency:mass_failure",
        ),
        # harm predicted, a crowd pressing
        (
            "The queue is pushing against the gates and someone is going to get crushed if the"
            " doors stay shut.",
            "emergency:could_harm",
        ),
        # the platform switched the account off
        (
            "Our Meta ad account has been disabled on the first morning of the sale. Can you appeal"
            " right away?",
            "emergency:account_suspended",
        ),
    ],
)
def test_emergency_shapes_of_blind_four(body, label):
    result = classify("Help", body)
    assert result.message_class == "emergency", result.signals
    assert label in labels(result)


@pytest.mark.parametrize(
    "body",
    [
        # one sum is an instruction, not a runaway
        "Could you lift the daily budget to £900 for the long weekend?",
        # two sums, no spending: a price list
        "The small stand is £400 and the island stand £4,000 - which do you recommend?",
        # quoted words are mentioned, not used
        "Our team calls the Friday stand-up the 'crisis meeting' as a joke. Join us next week?",
        "Ha, the 'breach' in the subject line was the sea wall photo for the brochure, all fine.",
        # a year on it: history for a case study
        "For the awards entry, can you summarise how we handled the 2021 data breach response?",
        # planned work, hyphen or not
        "We're hosting a hackathon in May and a fire drill for the new office. Photographer?",
        # feelings, not injuries
        "I was hurt to see our logo left off the sponsor board. It's done, but I wanted to say.",
        # urgency someone else owns, hedged, or denied
        "I'm on leave next week; Priya will sign off anything urgent in the meantime.",
        "Subject says urgent-ish, really it's just the invoice copy when you have a minute.",
        "Our new counsel wants to review the privacy notice. Nothing has gone wrong, it's routine.",
    ],
)
def test_look_alikes_of_blind_four_are_not_emergencies(body):
    result = classify("Note", body)
    assert result.message_class != "emergency", result.signals


def test_hedged_or_delegated_urgency_stays_routine():
    for body in (
        "Priya will deal with anything urgent while I'm away from the 3rd to the 10th.",
        "Semi-urgent, not really: the brand fonts when you have a minute.",
        "Legal counsel asked for the cookie wording. Nothing has gone wrong, she's just checking.",
    ):
        assert classify("Note", body).message_class == "routine", body


def test_hurt_as_a_feeling_is_upset_not_harm():
    result = classify("Gala", "Honestly I felt hurt that our founder wasn't thanked on stage.")
    assert "emergency:harm" not in labels(result)
    assert result.mood == "upset"
    injured = classify("Gala", "A waiter was badly hurt when a tray stand fell on him.")
    assert injured.message_class == "emergency"


@pytest.mark.parametrize(
    ("body", "mood"),
    [
        # rhetorical questions: the answer is an accusation
        ("Is it really so hard to get the logo the right way up on the banner?", "angry"),
        ("Does anybody over there actually proofread the newsletters before they go?", "angry"),
        ("Do you want us to renew the retainer in March or not?", "angry"),
        # dry sarcasm
        ("So apparently 'first thing Monday' means Wednesday afternoon. Good to know.", "angry"),
        ("A complete waste of our time, that workshop. Not sure why we bother.", "angry"),
        # an order with an edge plus a second sign (counting, dismissing)
        ("I've emailed you five times about the proofs. Pick up the phone.", "angry"),
        ("The caterer is 'on their way'. Which caterer? No more excuses, just a name.", "angry"),
        ("Get it fixed now and explain why nobody checked it.", "angry"),
        # disbelief with hurt is upset, not anger
        (
            "I just can't believe it. The whole launch has gone flat and I feel sick about it.",
            "upset",
        ),
        # the public watching, a regulator writing, money draining: a worry told plainly
        ("A reporter from the Mirror is asking for comment on the recall rumour.", "concerned"),
        ("We're losing bookings every hour the calendar is down.", "concerned"),
        # people in danger, or the sender unsure what to do
        (
            "There's a fire alarm at the expo hall and the guests have been evacuated outside."
            " One exhibitor has fainted. What do we tell people?",
            "concerned",
        ),
        ("Sign-ups are down 30% this week. Has something changed on the form?", "concerned"),
        # in hand: nobody hurt, a decision made
        (
            "A gas leak closed the venue. Nobody is hurt and we're postponing to Saturday;"
            " could you draft the email to ticket holders?",
            "calm",
        ),
        # thanks with exclamations and an acronym in capitals are not anger
        ("A huge thank you for the gala!! You guys are stars.", "calm"),
        (
            "No rush at all, could you send the brochure as a PDF and the icons as SVG? Thanks!",
            "calm",
        ),
    ],
)
def test_mood_shapes_of_blind_four(body, mood):
    result = classify("Note", body)
    assert result.mood == mood, result.signals


def test_a_deadline_after_an_edge_still_counts():
    # "Answer today." is an order with an edge and still a deadline today
    result = classify("Invoices", "I emailed last week about the invoice. Answer today.")
    assert result.message_class == "urgent"
    assert "mood:angry:commanding" in labels(result)


# --- leaning to emergency (issue 21, fifth round) ---------------------------------------------
# Emergencies of kinds no rule names, worded afresh (in none of the labelled sets): something
# wrong, a stake outside (the public, the press, a platform, an authority, money, safety) and
# now. Each is read as an emergency, and its lean cues are signals with the words.


@pytest.mark.parametrize(
    ("body", "stake"),
    [
        ("Our sponsored post on Instagram shows the wrong closing date for the draw. Pull it now.",
         "lean:stake:platform"),
        ("The Herald has just published a piece saying our founder misled investors. I need a"
         " statement within the hour.", "lean:stake:press"),
        ("We've had a claim from the photographer that the hero image is used without"
         " permission. Take it down immediately please.", "lean:stake:authority"),
        ("The shop is taking £1 for the £80 hampers - a pricing glitch. Pause the ads right now.",
         "lean:stake:money"),
        ("The lifeguard didn't turn up and the kids' pool party starts in 20 minutes.",
         "lean:stake:safety"),
        ("Our account is auto-replying to people grieving after the floods with a cheery emoji."
         " Stop it immediately.", "lean:stake:public"),
    ],
)
def test_lean_to_emergency_names_its_cues(body, stake):
    result = classify("Help", body)
    assert result.message_class == "emergency", result.signals
    # every kind is shown by a signal with words: a lean cue, or a rule that gives that kind
    kinds_of = {label: kinds for kinds, label in triage._RULES.lean_cues}
    shown: set[str] = set()
    for s in result.signals:
        assert s.text
        shown |= kinds_of.get(s.label, frozenset()) | triage._RULES.lean_from_rules.get(
            s.label, frozenset()
        )
    assert shown >= {"now", "wrong", "stake"}, result.signals
    assert any(s.label.startswith("lean:") for s in result.signals)  # the lean made it
    # the stake is the one the wording names, by a cue or by a rule reading the same kind
    assert stake in labels(result) or not any(
        s.label.startswith("lean:stake:") for s in result.signals
    ), result.signals
    assert_offsets("Help", body, result)


@pytest.mark.parametrize(
    "body",
    [
        # wrong and now, nothing at stake outside: urgent
        "The invoice has the wrong PO number on it. Can you resend it immediately?",
        # a stake and now, nothing wrong: urgent (a request)
        "The Herald wants a quote from our CEO within the hour. Can you draft one?",
        # wrong and a stake, not now: a fix for later
        "The customer newsletter last month had a broken link to the prices page. Fix for March?",
        # denied: not an emergency
        "Not an emergency - the Facebook ad shows the wrong date. Pull it now and I'll resend.",
        # a context rule swallows the cue inside it
        "I shouldn't have to police this myself: the wrong logo is on the pitch deck. Today, now.",
    ],
)
def test_lean_needs_every_kind_and_no_denial(body):
    result = classify("Note", body)
    assert result.message_class != "emergency", result.signals
    assert not any(s.label.startswith("lean:") for s in result.signals)


def test_lean_cues_are_well_formed():
    with triage.RULES_PATH.open("rb") as fh:
        lean = tomllib.load(fh)["lean"]
    assert sorted(lean["needs"]) == ["now", "stake", "wrong"]
    rule_labels = {entry["label"] for entry in tomllib.load(triage.RULES_PATH.open("rb"))["rule"]}
    assert set(lean["from_rules"]) <= rule_labels
    for cue in lean["cue"]:
        assert set(cue.get("kinds") or [cue["kind"]]) <= set(lean["needs"])
        assert re.fullmatch(r"lean:(now|stake|wrong):[a-z_]+", cue["label"]), cue["label"]
    bad = {"version": 8, "thresholds": {"emergency": 3, "urgent": 2, "angry": 3, "concerned": 1.5},
           "lean": {"needs": ["now"], "cue": [{"kind": "later", "label": "lean:x:y",
                                               "patterns": ["x"]}]}}
    with pytest.raises(ValueError, match="kind"):
        compile_rules(bad)


def test_asking_for_something_again_is_a_request_not_an_accusation():
    calm = classify("Files", "Hi Jo, could you send the venue map again? I can't find it. Thanks!")
    assert calm.mood == "calm" and "mood:angry:accusing" not in labels(calm)
    # said at the agency, "again?" still counts
    edge = classify("Files", "The venue map is wrong again? Can you send the right one today.")
    assert "mood:angry:accusing" in labels(edge) and edge.mood != "calm"


# --- rules v12 (issue 21, round 8) -------------------------------------------------------------
# Kinds of emergency the newest writers told without a word the rules knew, each worded afresh
# here (in none of the labelled sets), with a near miss that must stay below emergency.


@pytest.mark.parametrize(
    "body",
    [
        'The volunteer rota is shared as "anyone with the link" and it has every volunteer\'s'
        " mobile number and shift times.",
        "Our grant applicants' tracker was switched to public last week. It has their bank"
        " account references in column F.",
        "The survey export in your Dropbox is open to anyone with the link - it holds 900"
        " members' answers.",
    ],
)
def test_a_file_anyone_can_open_is_an_emergency(body):
    result = classify("Shared file", body)
    assert result.message_class == "emergency", result.signals
    assert "emergency:open_link" in labels(result)
    assert_offsets("Shared file", body, result)


@pytest.mark.parametrize(
    "body",
    [
        "Anyone with the link can join the webinar from 2pm - could you add it to the invite?",
        "The sculpture garden is open to the public on Sunday; can the post say so?",
        "Please set the event page to public on Monday morning, not before.",
    ],
)
def test_a_link_to_join_or_an_open_day_is_not_an_open_file(body):
    result = classify("Link", body)
    assert "emergency:open_link" not in labels(result)
    assert result.message_class != "emergency", result.signals


@pytest.mark.parametrize(
    ("body", "label", "mood"),
    [
        ("If one more of these letters reaches my father I will be going to the papers.",
         "mood:angry:threat", "angry"),
        ("A neighbour of the site says she is going to the press about the skip lorries unless"
         " the hoarding comes down.", "emergency:threat_exposure", None),
        ("Two members are threatening to complain to the ombudsman about the renewal letter.",
         "emergency:threat_exposure", None),
    ],
)
def test_a_threat_to_go_to_the_press_or_a_regulator_is_an_emergency(body, label, mood):
    result = classify("Letters", body)
    assert result.message_class == "emergency", result.signals
    assert label in labels(result)
    if mood:  # the sender's own threat, aimed at the agency, is anger by the convention
        assert result.mood == mood


@pytest.mark.parametrize(
    "body",
    [
        "The annual return has to go to the regulator by Friday; will you proof it first?",
        "She'll go to the press conference at 10 with the CEO - can you brief her?",
        "We're going to the media launch together, see you at the door.",
    ],
)
def test_going_to_a_press_event_or_filing_with_a_regulator_is_not_a_threat(body):
    result = classify("Friday", body)
    assert not labels(result) & {"mood:angry:threat", "emergency:threat_exposure"}
    assert result.message_class != "emergency", result.signals


@pytest.mark.parametrize(
    ("body", "cue"),
    [
        # people outside already reacting: now, and the stake
        ("The renewal email quotes the wrong direct debit date and several members have already"
         " replied asking why.", "lean:now:reacting"),
        ("The bin collection leaflet gives the wrong day. My phone hasn't stopped.",
         "lean:now:reacting"),
        # it went out moments ago and cannot be unsent
        ("The spring catalogue went out this morning with the wrong opening hours for customers"
         " in every region.", "lean:now:out"),
    ],
)
def test_something_wrong_already_out_with_people_reacting_leans_to_emergency(body, cue):
    result = classify("Mailing", body)
    assert result.message_class == "emergency", result.signals
    assert cue in labels(result)
    assert_offsets("Mailing", body, result)


@pytest.mark.parametrize(
    "body",
    [
        # the client acting, not people reacting
        "We have already emailed the guests about the wrong parking info; could you fix the web"
        " page by Friday?",
        # due to go out, not out: a deadline
        "The spring catalogue goes out tomorrow morning and the opening hours on page 2 are"
        " wrong - can you fix them before it prints?",
    ],
)
def test_wrong_but_not_yet_out_or_only_the_client_acting_is_not_an_emergency(body):
    result = classify("Mailing", body)
    assert result.message_class != "emergency", result.signals
    assert not labels(result) & {"lean:now:reacting", "lean:now:out"}


def test_a_cue_in_quotes_still_counts_for_the_lean():
    # the word quoted is what went out: "failed" in quotes is still something wrong
    body = ('The push alert that went to every customer says "your payment failed" to people'
            " who paid fine. Customers are ringing us now.")
    result = classify("Alert", body)
    assert result.message_class == "emergency", result.signals
    assert "lean:wrong:failure" in labels(result)
    # a context rule other than a quotation still swallows the cue inside it (round 5)
    calm = classify("Note", "I shouldn't have to police this myself: the wrong logo is on the"
                    " pitch deck. Today, now.")
    assert calm.message_class != "emergency"


# Round 9: emergencies told flatly. Each is something public, sent or about to be (the stake and
# the moment) in a state nobody meant (the wrong), composed by the lean; none names a crisis.
@pytest.mark.parametrize(
    ("subject", "body", "cue"),
    [
        # already sent to many people, and not what was meant
        ("Renewals", "The renewal reminder has gone to 12,500 members by mistake - it was the test"
         " version with dummy prices.", "lean:now:sent_to_many"),
        # asked as a question, minutes after it went out
        ("loyalty email", "Was the loyalty email meant to go to every customer with the staff"
         " discount code in it? It went out 15 min ago.", "lean:wrong:unintended"),
        # public before it should be
        ("Results", "The interim results page is already live on our investor site. We have not"
         " announced yet - that's Thursday.", "lean:now:already_public"),
        ("odd", "Is it normal that the spring lookbook is already on a fashion blog? I thought the"
         " embargo was next week.", "lean:now:already_public"),
        # wrong, in someone else's hands within hours: can it still be stopped?
        ("Radio spot", "Tonight's radio spot says the offer ends Sunday. It ends Friday. Can it"
         " still be pulled?", "lean:wrong:stop_in_time"),
        # the press publishing at a set time unless the client speaks
        ("Herald", "The Herald's reporter says she'll publish the story at 6 unless we give her a"
         " comment on the closures.", "emergency:press_deadline"),
        ("Re: the feature", "He has given us till 4pm to respond before it goes online.",
         "emergency:press_deadline"),
        # a claim the client denies, out and spreading
        ("Oat milk", "A trade newsletter says we're recalling the oat milk. We are not. It is being"
         " reposted everywhere.", "emergency:viral"),
        # something nobody on the client's side did, running now
        ("Promo", "Our Instagram just posted a giveaway link asking for bank logins. Nobody on our"
         " side posted that.", "lean:wrong:unintended"),
        # staff abused now
        ("Store team", "Our store team are being sent hateful messages and harassed on TikTok right"
         " now.", "lean:wrong:harmful_content"),
    ],
)
def test_flat_emergencies_compose_public_wrong_and_now(subject, body, cue):
    result = classify(subject, body, learned=False)
    assert result.message_class == "emergency", result.signals
    assert cue in labels(result)
    assert_offsets(subject, body, result)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # alarming words about a topic: an exercise, a scenario, a dish, a sale
        ("Spring plans", "Could you help us run a mock recall exercise in the spring? No rush."),
        ("Tabletop", "Would your team join our ransomware tabletop exercise in October? We'd like a"
         " comms lead for the scenario where customer data is stolen."),
        ("Supper club", "We're launching a fire-pit supper club in March. Any ideas for a press"
         " angle?"),
        # a question, a send and a paper that are routine
        ("Opens", "Is it normal for open rates to dip in August? Just curious for the report."),
        ("Newsletter", "The newsletter goes to 8,000 subscribers on Thursday; copy attached."),
        ("Brochure", "The autumn brochure went to 3,000 customers last week and bookings are up."),
        ("Notes", "Three times now the meeting notes have my title wrong. Small thing, but please"
         " fix."),
        ("Proofs", "We're already on it with the printers, thanks. The proofs were meant to be"
         " ready Tuesday."),
        # our own mailing due out at a time can still be held: urgent at most
        ("Mailer", "The members' mailer goes out at 8am and the date on it is wrong. Can you fix"
         " it tonight?"),
    ],
)
def test_routine_words_about_sending_publishing_or_disasters_do_not_lean(subject, body):
    result = classify(subject, body, learned=False)
    assert result.message_class != "emergency", result.signals


def test_a_paper_is_the_times_not_three_times():
    def press(text: str) -> list[str]:
        lowered = triage._lower(text)
        return [lowered[s:e] for i, s, e in triage._cues(lowered, "stake")
                if triage._RULES.lean_cues[i][1] == "lean:stake:press"]

    assert press("The Times has the story tonight.") == ["the times"]
    assert press("Three times now the notes have my title wrong.") == []
