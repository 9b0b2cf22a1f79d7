from datetime import date, timedelta

import pytest

from ownup.core import stats
from ownup.reports import selectors
from ownup.reports import track_record as records
from tests.reports.factories import at, incident, incoming, reply, thread

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 15, 12)


@pytest.fixture
def other_client(ws_a, owner):
    from ownup.clients.services import client_create

    return client_create(workspace=ws_a, name="Tidewater Bank", owner=owner,
                         client_since=date(2024, 1, 10))


@pytest.fixture
def data(ws_a, client_a, other_client, owner, member, ws_b, outsider):
    """Replies in March and April 2026 for two clients by two people, plus noise in ws B."""
    t1 = thread(ws_a, client_a, owner=member, started=at(2026, 3, 2, 9),
                acked=at(2026, 3, 2, 9, 10))
    t2 = thread(ws_a, client_a, owner=member, started=at(2026, 3, 20, 9))  # never acknowledged
    t3 = thread(ws_a, other_client, owner=owner, started=at(2026, 4, 2, 9),
                acked=at(2026, 4, 2, 10))
    pending = thread(ws_a, other_client, owner=owner, started=NOW - timedelta(hours=1),
                     ack_by=NOW + timedelta(hours=3))  # still within time: not counted
    incoming(t1, sent_at=at(2026, 3, 2, 9))
    reply(t1, sent_at=at(2026, 3, 2, 9, 10), by=member, ack=600)
    reply(t1, sent_at=at(2026, 3, 3, 9), by=member, respond=3600)
    reply(t2, sent_at=at(2026, 3, 25, 9), by=member, verdict="late", late_by=7200,
          off_hours=True)
    # 23:30 UTC on 31 March is 00:30 on 1 April in London (BST): an April reply
    reply(t3, sent_at=at(2026, 3, 31, 23, 30), by=owner, ack=1200, respond=7200)
    reply(t3, sent_at=at(2026, 4, 3, 9), by=owner, ack=3600)
    reply(t3, sent_at=at(2026, 4, 4, 9), by=None, verdict="")  # not judged (e.g. automatic)
    # another workspace must never leak in
    from ownup.clients.services import client_create

    foreign = client_create(workspace=ws_b, name="Foreign", owner=outsider)
    ft = thread(ws_b, foreign, owner=outsider, started=at(2026, 3, 2, 9))
    reply(ft, sent_at=at(2026, 3, 2, 10), by=outsider, verdict="late", ack=99999,
          off_hours=True)
    incident(client_a, detected_at=at(2026, 3, 10), severity="major")
    incident(other_client, detected_at=at(2026, 4, 10))
    incident(foreign, detected_at=at(2026, 4, 10))
    return {"threads": (t1, t2, t3, pending)}


def test_agency_totals(ws_a, data):
    (row,) = selectors.consistency(workspace=ws_a, now=NOW)
    assert (row.replies, row.on_time, row.late) == (5, 4, 1)
    # the share on time counts promises, not replies: t2 was never acknowledged
    assert (row.kept, row.kept_late, row.broken, row.promises_due) == (2, 0, 1, 3)
    assert row.share_on_time == pytest.approx(2 / 3)
    assert row.off_hours == 1
    assert row.acknowledgements == 3
    assert row.median_ack_seconds == stats.median([600, 1200, 3600]) == 1200
    assert row.median_respond_seconds == stats.median([3600, 7200]) == 5400
    assert row.median_late_seconds == 7200
    assert (row.threads, row.threads_acknowledged) == (3, 2)  # the pending clock is left out
    assert row.ack_rate == pytest.approx(2 / 3)
    assert row.incidents == 2


def test_by_month_uses_the_workspace_timezone_and_fills_gaps(ws_a, data):
    rows = selectors.consistency(workspace=ws_a, by="month", since=date(2026, 2, 1),
                                 until=date(2026, 6, 1), now=NOW)
    assert [r.key for r in rows] == ["2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"]
    feb, mar, apr, may = rows
    assert feb.replies == 0 and feb.share_on_time is None and not feb.has_data
    assert (mar.replies, mar.late, mar.off_hours) == (3, 1, 1)
    assert (apr.replies, apr.acknowledgements) == (2, 2)
    assert apr.median_ack_seconds == 2400  # (1200 + 3600) / 2: the 23:30 UTC reply is April
    assert (mar.threads, mar.threads_acknowledged, apr.threads) == (2, 1, 1)
    assert (mar.incidents, apr.incidents) == (1, 1)
    assert mar.label == "Mar 2026"


def test_by_member_and_by_client(ws_a, data, owner, member, client_a, other_client):
    by_member = {r.extra["user"]: r for r in
                 selectors.consistency(workspace=ws_a, by="member", now=NOW)}
    assert by_member[member].replies == 3 and by_member[member].share_on_time == pytest.approx(
        1 / 2)  # t1 acknowledged on time, t2 never
    assert by_member[owner].median_ack_seconds == 2400
    # ack rate per member is over the threads they own
    assert (by_member[member].threads, by_member[member].threads_acknowledged) == (2, 1)
    assert by_member[None].label == "Nobody recorded" and by_member[None].replies == 0
    by_client = {r.extra["client"]: r for r in
                 selectors.consistency(workspace=ws_a, by="client", now=NOW)}
    assert set(by_client) == {client_a, other_client}
    assert by_client[client_a].replies == 3 and by_client[client_a].incidents == 1
    assert by_client[other_client].share_on_time == 1.0


def test_filters_client_member_and_period(ws_a, data, client_a, member, owner):
    (row,) = selectors.consistency(workspace=ws_a, client=client_a, now=NOW)
    assert row.replies == 3 and row.incidents == 1
    (row,) = selectors.consistency(workspace=ws_a, member=owner, now=NOW)
    assert row.replies == 2 and row.incidents == 0  # incidents are nobody's in particular
    (row,) = selectors.consistency(workspace=ws_a, since=date(2026, 4, 1), now=NOW)
    assert row.replies == 2  # London days: the 31 March 23:30 UTC reply counts as April
    (row,) = selectors.consistency(workspace=ws_a, until=date(2026, 4, 1), now=NOW)
    assert row.replies == 3


def test_bad_period_and_by(ws_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        selectors.consistency(workspace=ws_a, since=date(2026, 5, 1), until=date(2026, 4, 1))
    with pytest.raises(ValueError):
        selectors.consistency(workspace=ws_a, by="week")


def test_empty_workspace_gives_empty_figures(ws_a):
    (row,) = selectors.consistency(workspace=ws_a, now=NOW)
    assert row.replies == 0 and row.median_ack_seconds is None and row.ack_rate is None
    assert selectors.consistency(workspace=ws_a, by="client", now=NOW) == []
    months = selectors.consistency(workspace=ws_a, by="month", since=date(2026, 4, 1), now=NOW)
    assert [r.key for r in months] == ["2026-04-01", "2026-05-01", "2026-06-01"]


def test_median_of_even_and_odd_counts_on_this_database(ws_a, client_a, member):
    t = thread(ws_a, client_a, started=at(2026, 5, 1, 9))
    values = [50, 7, 1000, 3, 8]
    for i, v in enumerate(values):
        reply(t, sent_at=at(2026, 5, 1, 10 + i), by=member, ack=v)
    (row,) = selectors.consistency(workspace=ws_a, now=NOW)
    assert row.median_ack_seconds == stats.median(values) == 8
    reply(t, sent_at=at(2026, 5, 2, 10), by=member, ack=20)
    (row,) = selectors.consistency(workspace=ws_a, now=NOW)
    assert row.median_ack_seconds == stats.median(values + [20]) == 14


def test_track_record(ws_a, data, other_client):
    incident(other_client, detected_at=at(2025, 2, 1), severity="major",
             responsibility="third_party")
    rec = records.track_record(client=other_client, now=NOW)
    assert rec.start == date(2024, 1, 10)
    assert rec.months_as_client == 29
    assert rec.record_sentence == "2 incidents in 29 months"
    assert rec.last_incident_days == (NOW - at(2026, 4, 10)).days
    assert rec.since_sentence == "Last incident 2 months ago"
    assert [(k, n) for k, _, n in rec.by_severity] == [("minor", 1), ("major", 1)]
    assert {k: n for k, _, n in rec.by_cause} == {"ours": 1, "third_party": 1}
    assert rec.months[0].key == "2025-07-01" and len(rec.months) == 12
    assert rec.total.replies == 2 and rec.total.median_respond_seconds == 7200
    assert [i["title"] for i in rec.incidents] == ["Something went wrong"] * 2


def test_track_record_without_client_since_uses_creation(ws_a, client_a):
    rec = records.track_record(client=client_a, now=NOW)
    assert rec.start == client_a.created_at.date()
    assert rec.record_sentence.startswith("No incidents in")
    assert rec.since_sentence == "No incident on record"


def test_rank_clients(ws_a, data, client_a, other_client):
    rows = selectors.consistency(workspace=ws_a, by="client", now=NOW)
    worst, best = selectors.rank_clients(rows, min_promises=1)
    assert worst[0].extra["client"] == client_a and best[0].extra["client"] == other_client
    assert len(worst) == len(best) == 1
    # client_a left a client waiting (a broken promise): ranked however few promises fell due
    worst, best = selectors.rank_clients(rows, min_promises=10)
    assert [r.extra["client"] for r in worst] == [client_a] and best == []


def test_agency_report(ws_a, data):
    rep = selectors.agency_report(workspace=ws_a, since=date(2026, 1, 1), now=NOW)
    assert rep.total.replies == 5 and len(rep.months) == 6
    assert {k: n for k, _, n in rep.incidents_by_severity} == {"major": 1, "minor": 1}
    assert len(rep.clients) == 2 and len(rep.members) == 3


@pytest.mark.parametrize("period", [{}, {"since": date(2026, 3, 1)},
                                    {"since": date(2026, 3, 1), "until": date(2026, 4, 1)}])
def test_all_groupings_at_once_match_one_by_one(ws_a, data, period):
    """On PostgreSQL consistency_all is one GROUPING SETS pass per table; it must give
    exactly the figures of the per-grouping queries."""
    every = selectors.consistency_all(workspace=ws_a, now=NOW, **period)
    for by in ("", "month", "member", "client"):
        one = selectors.consistency(workspace=ws_a, by=by, now=NOW, **period)
        assert [r.as_dict() for r in every[by]] == [r.as_dict() for r in one], by
        assert [r.label for r in every[by]] == [r.label for r in one]


def test_incidents_by_cause_from_published_learnings(ws_a, client_a):
    from ownup.learnings.models import Learning
    from ownup.postmortems.models import Postmortem

    def learning(inc, category, published=True):
        pm, _ = Postmortem.objects.get_or_create(workspace=ws_a, incident=inc)
        Learning.objects.create(workspace=ws_a, postmortem=pm, client=client_a,
                                statement=f"{category} lesson", category=category,
                                published=published)

    one = incident(client_a, detected_at=at(2026, 1, 5))
    two = incident(client_a, detected_at=at(2026, 2, 5))
    learning(one, "process")
    learning(one, "process")  # the same incident counts once per category
    learning(one, "communication")
    learning(two, "process")
    learning(two, "tooling", published=False)  # drafts do not count
    rec = records.track_record(client=client_a, now=NOW)
    assert [(k, n) for k, _, n in rec.by_failure] == [("process", 2), ("communication", 1)]
    assert rec.by_failure[0][1] == "Process or checklist"
