"""Default message templates: rendering, placeholders, and every default passes the tone check."""

from __future__ import annotations

import pytest

from ownup.core.drafts import (
    DRAFT_KINDS,
    PLACEHOLDERS,
    SAMPLE_VALUES,
    DraftTemplate,
    default_templates,
    marker,
    placeholders_of,
    render_draft,
)
from ownup.core.tone import KINDS, check

# A second realistic incident (paid search) so the defaults are not tuned to one set of values.
PPC_VALUES = {
    "contact_name": "Siobhan",
    "client_name": "Harbour & Finch",
    "sender_name": "Owen Blake",
    "subject_line": "the Shopping campaign bidding change",
    "what_happened": "after Tuesday's bidding change your products barely showed for three days",
    "our_share": "we set the ROAS target too high and did not model the change first",
    "fix": "the campaigns are back on the previous strategy and impressions recovered within hours",
    "prevention": "any bidding change now needs a written forecast and a second specialist's check",
    "next_step": "send you the lost-sales estimate and our proposed credit",
    "next_step_time": "Thursday at 10 a.m.",
    "update_time": "9 a.m. tomorrow",
    "phone": "+44 20 7946 0321",
    "agreement_text": "We acknowledge routine messages within 4 business hours.",
}


def test_draft_kinds_and_defaults_match():
    templates = default_templates()
    assert tuple(templates) == DRAFT_KINDS
    for key, tpl in templates.items():
        assert isinstance(tpl, DraftTemplate)
        assert tpl.key == key
        assert tpl.title and tpl.subject and tpl.body
        assert tpl.tone_kind in KINDS
        assert set(tpl.placeholders) == placeholders_of(tpl.subject) | placeholders_of(tpl.body)
        assert set(tpl.placeholders) <= set(PLACEHOLDERS), key


def test_expected_tone_kinds():
    t = default_templates()
    assert t["acknowledgement"].tone_kind == "acknowledgement"
    assert t["apology"].tone_kind == "apology"
    assert t["closing"].tone_kind == "closure"
    assert t["off_hours_emergency"].tone_kind == "acknowledgement"


@pytest.mark.parametrize("values", [SAMPLE_VALUES, PPC_VALUES], ids=["pr", "ppc"])
@pytest.mark.parametrize("key", DRAFT_KINDS)
def test_every_default_passes_the_tone_check_for_its_kind(key, values):
    tpl = default_templates()[key]
    subject, body = render_draft(tpl, values)
    assert "[" not in body and "$" not in body, body  # fully filled
    report = check(body, tpl.tone_kind, names=[values["contact_name"], "Helen", "Owen"])
    assert report.findings == [], [(f.category, body[f.start : f.end]) for f in report.findings]
    assert report.ok
    assert "\n" not in subject and subject.strip() == subject


def test_apology_default_has_all_four_elements():
    _, body = render_draft("apology", SAMPLE_VALUES)
    present = check(body, "apology").present
    assert all(present.values()), present


def test_missing_values_render_as_visible_markers():
    subject, body = render_draft("apology", {"contact_name": "Dana", "fix": "   "})
    assert body.startswith("Hi Dana,")
    assert "[what happened]" in body and "[our share]" in body
    assert "[fix]" in body  # blank counts as missing
    assert "[subject line]" in subject
    assert marker("next_step_time") == "[next step time]"


def test_render_by_key_and_by_template_agree():
    tpl = default_templates()["status_update"]
    assert render_draft(tpl, SAMPLE_VALUES) == render_draft("status_update", SAMPLE_VALUES)


def test_unknown_key_raises():
    with pytest.raises(KeyError, match="acknowledgement"):
        render_draft("nope", {})


def test_placeholders_of_handles_both_syntaxes_and_escapes():
    assert placeholders_of("Hi $name, ${what}s cost $$5 and $ alone") == {"name", "what"}
    assert placeholders_of("") == set()


def test_dollar_escape_and_braced_render():
    tpl = DraftTemplate("x", "X", "other", "Re ${thing}s", "Costs $$10 for $who.", ("thing", "who"))
    assert render_draft(tpl, {"thing": "report", "who": "you"}) == (
        "Re reports",
        "Costs $10 for you.",
    )


def test_workspace_override_with_text():
    tpl = default_templates()["acknowledgement"]
    custom = tpl.with_text(body="Hello $contact_name, I'll call you at $call_time.")
    assert custom.subject == tpl.subject
    assert custom.placeholders == tuple(sorted({"call_time", "contact_name", "subject_line"}))
    _, body = render_draft(custom, {"contact_name": "Jo"})
    assert body == "Hello Jo, I'll call you at [call time]."
    # the default is untouched
    assert default_templates()["acknowledgement"].body == tpl.body


def test_defaults_dict_is_a_copy():
    a = default_templates()
    a.pop("apology")
    assert "apology" in default_templates()
