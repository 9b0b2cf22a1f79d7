"""The pure agenda builder and the solution-first check."""

from datetime import date, timedelta

import pytest

from ownup.core import agenda as ag

TODAY = date(2026, 11, 23)


def _input(**kw):
    base = dict(client="Acme", today=TODAY, period_days=90, weeks_ahead=4)
    base.update(kw)
    return ag.AgendaInput(**base)


@pytest.mark.parametrize("text", [
    "Move half the events budget into webinars.",
    "We suggest pausing paid search until the landing page converts.",
    "Let's tie the newsletter to the retention goal.",
    "I recommend a monthly cadence instead.",
    "Stop the print ads; they reach nobody we need.",
])
def test_proposes_action_accepts_a_course_of_action(text):
    assert ag.proposes_action(text)


@pytest.mark.parametrize("text", [
    "", "   ", "Bad.", "This is not working.", "The events reach the wrong people.",
    "Paid search spend is too high and leads are down.",
])
def test_proposes_action_rejects_a_bare_problem(text):
    assert not ag.proposes_action(text)


def test_empty_input_still_has_track_record_and_deadlines():
    agenda = ag.build_agenda(_input())
    assert [s.key for s in agenda.sections] == ["track_record", "deadlines"]
    text = agenda.to_text()
    assert "No incidents in the last 90 days." in text
    assert "No incident on record." in text
    assert "No deliverables due in the next 4 weeks." in text
    assert text.startswith("Acme: agenda for our next review\n")


def test_every_section_from_its_source():
    data = _input(
        goals=(ag.GoalRow("Grow leads", "at_risk", "Leads", "+30%", TODAY + timedelta(days=30)),
               ag.GoalRow("Brand trust", "on_track"), ag.GoalRow("Old goal", "dropped")),
        work=(ag.WorkRow("Events", goals=()), ag.WorkRow("Webinars", goals=("Grow leads",)),
              ag.WorkRow("Old unlinked thing", status="done")),
        concerns=(ag.ConcernRow("Events reach retail", "Leads at risk", "Move the budget",
                                "open"),
                  ag.ConcernRow("Resolved one", "x", "Do y", "resolved")),
        advice=(ag.AdviceRow("Wait for the regulator", response="disagreed",
                             reasoning="Board wanted to be first", outcome="Corrections ran",
                             given_on=TODAY - timedelta(days=70),
                             outcome_on=TODAY - timedelta(days=65)),
                ag.AdviceRow("Add lead forms", response="pending", goal="Grow leads"),
                ag.AdviceRow("Monthly cadence", response="deferred",
                             given_on=TODAY - timedelta(days=3)),
                ag.AdviceRow("Agreed thing", response="agreed")),
        incidents=(ag.IncidentRow("Early release", TODAY - timedelta(days=40), "Major"),
                   ag.IncidentRow("Ancient", TODAY - timedelta(days=400))),
        deliverables=(
            ag.DeliverableRow("Pack", TODAY + timedelta(days=6), "Webinars", "Jo",
                              original_due=TODAY + timedelta(days=3)),
            ag.DeliverableRow("Late one", TODAY - timedelta(days=1)),
            ag.DeliverableRow("Far away", TODAY + timedelta(days=60)),
            ag.DeliverableRow("Done one", TODAY + timedelta(days=1), done=True)),
    )
    agenda = ag.build_agenda(data)
    keys = [s.key for s in agenda.sections]
    assert keys == ["goals", "concerns", "unlinked", "decisions", "disagreements",
                    "track_record", "deadlines"]
    goals = agenda.section("goals").items
    assert goals[0].startswith("Grow leads (Leads +30%)") and "AT RISK" in goals[0]
    assert not any("Old goal" in g for g in goals)
    concerns = agenda.section("concerns").items
    assert concerns == ["Move the budget. Why: we noticed events reach retail. Leads at risk."]
    unlinked = agenda.section("unlinked").items
    assert len(unlinked) == 1 and unlinked[0].startswith("Events: which of your goals")
    decisions = agenda.section("decisions").items
    assert len(decisions) == 2 and "(Goal: Grow leads)" in " ".join(decisions)
    assert any("You asked to come back to this" in d for d in decisions)
    dis = agenda.section("disagreements").items
    assert len(dis) == 1 and "Board wanted to be first" in dis[0]
    assert "Corrections ran" in dis[0] and "What happened (" in dis[0]
    record = agenda.section("track_record").items
    assert record[0] == "1 incident in the last 90 days." and "Early release" in record[1]
    assert record[-1].startswith("Last incident:") and "40 days ago" in record[-1]
    deadlines = agenda.section("deadlines").items
    assert "OVERDUE" in deadlines[0] and "Late one" in deadlines[0]
    assert "moved from" in deadlines[1] and "Pack (Webinars) - Jo" in deadlines[1]
    assert not any("Far away" in d or "Done one" in d for d in deadlines)
    as_dict = agenda.to_dict()
    assert [s["key"] for s in as_dict["sections"]] == keys
    assert "5. Where we advised against, and what happened" in agenda.to_text()


def test_disagreement_without_outcome_says_so():
    agenda = ag.build_agenda(_input(advice=(ag.AdviceRow("No", response="disagreed"),)))
    assert "Outcome: not known yet" in agenda.section("disagreements").items[0]


def test_agenda_text_passes_the_tone_check_on_its_own_words():
    from ownup.core import tone

    data = _input(goals=(ag.GoalRow("Grow leads", "at_risk"),),
                  work=(ag.WorkRow("Events"),),
                  advice=(ag.AdviceRow("Wait", response="disagreed", outcome="It ran late"),))
    report = tone.check(ag.build_agenda(data).to_text(), "other")
    assert not [f for f in report.findings if f.category in ("blame", "excuse")]


def _rows():
    from hypothesis import strategies as st

    text = st.text(min_size=1, max_size=40).filter(lambda t: t.strip())
    day = st.dates(min_value=TODAY - timedelta(days=500), max_value=TODAY + timedelta(days=500))
    return dict(
        goals=st.lists(st.builds(ag.GoalRow, text, st.sampled_from(list(ag.GOAL_STATUS_TEXT)),
                                 due=st.none() | day), max_size=4),
        work=st.lists(st.builds(ag.WorkRow, text, status=st.sampled_from(
            ["planned", "active", "done"]), goals=st.lists(text, max_size=2).map(tuple)),
            max_size=4),
        concerns=st.lists(st.builds(ag.ConcernRow, text, text, text, st.sampled_from(
            ["open", "raised", "resolved"])), max_size=4),
        advice=st.lists(st.builds(ag.AdviceRow, text, response=st.sampled_from(
            ["agreed", "disagreed", "deferred", "pending"]), given_on=st.none() | day,
            outcome=st.just("") | text), max_size=4),
        incidents=st.lists(st.builds(ag.IncidentRow, text, day), max_size=4),
        deliverables=st.lists(st.builds(ag.DeliverableRow, text, day, done=st.booleans(),
                                        original_due=st.none() | day), max_size=4),
    )


def test_every_open_item_reaches_the_agenda_property():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.fixed_dictionaries(_rows()))
    def check(rows):
        data = _input(**{k: tuple(v) for k, v in rows.items()})
        agenda = ag.build_agenda(data)
        text = agenda.to_text()
        flat = " ".join(i for s in agenda.sections for i in s.items)
        for c in data.concerns:
            if c.status == "open":
                assert " ".join(c.suggestion.split()) in flat
        n_open = sum(c.status == "open" for c in data.concerns)
        section = agenda.section("concerns")
        assert (len(section.items) if section else 0) == n_open
        for w in data.work:
            if not w.goals and w.status != "done":
                assert w.title in flat
        n_dis = sum(a.response == "disagreed" for a in data.advice)
        dis = agenda.section("disagreements")
        assert (dis is not None and len(dis.items) == n_dis) or (dis is None and n_dis == 0)
        assert agenda.section("track_record") is not None
        assert text.endswith("\n") and text.startswith("Acme: agenda")

    check()


def test_long_track_record_since_the_client_started():
    data = _input(client_since=TODAY - timedelta(days=800), incidents_total=1,
                  last_incident_on=TODAY - timedelta(days=400))
    record = ag.build_agenda(data).section("track_record").items
    assert record[-1].startswith("1 incident in total since we began working together")
    assert "(over 2 years)" in record[-1]
    new = ag.build_agenda(_input(client_since=TODAY - timedelta(days=30), incidents_total=0))
    assert "0 incidents in total" in new.to_text() and "(so far)" in new.to_text()
