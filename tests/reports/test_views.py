import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_login_redirect
from tests.reports.factories import incident, reply, thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(ws_a, client_a, member, owner):
    """Replies over the last weeks (the pages default to the last 12 months)."""
    now = timezone.now()
    t = thread(ws_a, client_a, owner=member, started=now - timedelta(days=20),
               acked=now - timedelta(days=20) + timedelta(minutes=30),
               respond_by=now - timedelta(days=20) + timedelta(hours=12),
               answered=now - timedelta(days=19))  # acknowledged on time, answered late
    reply(t, sent_at=now - timedelta(days=20) + timedelta(minutes=30), by=member, ack=1800)
    reply(t, sent_at=now - timedelta(days=19), by=member, respond=7200)
    reply(t, sent_at=now - timedelta(days=10), by=owner, verdict="late", late_by=3600,
          off_hours=True)
    incident(client_a, detected_at=now - timedelta(days=40), severity="major",
             title="=HYPERLINK(\"evil\")")
    return t


def test_agency_page_draws_charts_and_tables(owner_web, recent):
    r = owner_web.get("/reports/")
    assert r.status_code == 200
    page = r.content.decode()
    assert page.count("<svg") >= 5 and 'role="img"' in page
    assert "Harbour Coffee" in page and "Milo Member" in page
    assert "50%" in page and "of 2 due" in page  # 1 of 2 promises kept on time
    assert 'class="bar"' in page and 'class="line"' in page
    assert 'aria-current="page"' in page and 'href="/reports/"' in page


def test_agency_csv_for_every_table(owner_web, recent):
    for table, first in (("month", "Month"), ("client", "Client"), ("member", "Team member"),
                         ("worst", "Client"), ("best", "Client")):
        r = owner_web.get("/reports/", {"format": "csv", "table": table, "months": "3"})
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(r.content.decode())))
        assert rows[0][0] == first and "Share on time" in rows[0]
        if table == "client":
            harbour = next(row for row in rows if row[0] == "Harbour Coffee")
            assert harbour[1] == "3" and harbour[rows[0].index("Off-hours exceptions")] == "1"
    r = owner_web.get("/reports/", {"format": "csv", "table": "nope"})
    assert r.status_code == 400 and b"month" in r.content


def test_agency_period_filters_and_bad_dates(owner_web, recent):
    today = timezone.now().date()
    r = owner_web.get("/reports/", {"since": str(today - timedelta(days=15)),
                                    "until": str(today), "format": "csv", "table": "client"})
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[1][1] == "1"  # only the late reply 10 days ago is inside the period
    r = owner_web.get("/reports/", {"since": "yesterday"})
    assert r.status_code == 400 and "is not a date" in r.content.decode()
    r = owner_web.get("/reports/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert r.status_code == 400
    assert owner_web.get("/reports/", {"months": "all"}).status_code == 200
    assert owner_web.get("/reports/", {"months": "junk"}).status_code == 200  # falls back


def test_member_may_read_reports_anonymous_redirected(member_web, anon_web, recent, client_a):
    assert member_web.get("/reports/").status_code == 200
    assert member_web.get(f"/reports/clients/{client_a.pk}/").status_code == 200
    assert_login_redirect(anon_web.get("/reports/"))
    assert_login_redirect(anon_web.get(f"/reports/clients/{client_a.pk}/"))
    assert_login_redirect(anon_web.get(f"/reports/clients/{client_a.pk}/review.pdf"))


def test_outsider_gets_404_and_sees_nothing(outsider_web, recent, client_a):
    assert outsider_web.get(f"/reports/clients/{client_a.pk}/").status_code == 404
    assert outsider_web.get(f"/reports/clients/{client_a.pk}/review.pdf").status_code == 404
    page = outsider_web.get("/reports/").content.decode()
    assert "Harbour Coffee" not in page


def test_client_track_record_page(owner_web, recent, client_a):
    r = owner_web.get(f"/reports/clients/{client_a.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "1 incident in 1 month" in page and "Last incident 40 days ago" in page
    assert 'class="event"' in page  # the incident is on the timeline
    assert "Incidents by severity" in page and "Incidents by responsibility" in page
    assert page.count("<svg") >= 6


def test_client_csvs_escape_formulas(owner_web, recent, client_a):
    url = f"/reports/clients/{client_a.pk}/"
    rows = list(csv.reader(io.StringIO(
        owner_web.get(url, {"format": "csv", "table": "incidents"}).content.decode())))
    assert rows[1][1] == "'=HYPERLINK(\"evil\")" and rows[1][2] == "Major"
    for table in ("month", "member", "severity", "cause"):
        r = owner_web.get(url, {"format": "csv", "table": table})
        assert r.status_code == 200 and len(r.content.decode().splitlines()) >= 2
    assert owner_web.get(url, {"format": "csv", "table": "x"}).status_code == 400


def test_client_service_review_pdf(owner_web, recent, client_a):
    from ownup.reports.review import quarter_of

    y, q = quarter_of(timezone.now().date())
    r = owner_web.get(f"/reports/clients/{client_a.pk}/review.pdf", {"quarter": f"{y}-Q{q}"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert f"harbour-coffee-service-review-{y}-q{q}.pdf" in r["Content-Disposition"]
    assert owner_web.get(f"/reports/clients/{client_a.pk}/review.pdf").status_code == 200
    bad = owner_web.get(f"/reports/clients/{client_a.pk}/review.pdf", {"quarter": "Q9"})
    assert bad.status_code == 400 and b"not a quarter" in bad.content


def test_review_talking_points_compare_quarters(ws_a, client_a, member):
    from ownup.reports import review, selectors
    from ownup.reports import track_record as records
    from tests.reports.factories import at

    t = thread(ws_a, client_a, started=at(2026, 4, 1, 9))  # never acknowledged: broken
    reply(t, sent_at=at(2026, 4, 2, 9), by=member, verdict="late", late_by=60)
    t2 = thread(ws_a, client_a, started=at(2026, 7, 2, 8, 50), acked=at(2026, 7, 2, 9))
    reply(t2, sent_at=at(2026, 7, 2, 9), by=member, ack=600, off_hours=True)
    cur = selectors.consistency(workspace=ws_a, client=client_a, since=at(2026, 7, 1).date(),
                                until=at(2026, 10, 1).date())[0]
    prev = selectors.consistency(workspace=ws_a, client=client_a, since=at(2026, 4, 1).date(),
                                 until=at(2026, 7, 1).date())[0]
    rec = records.track_record(client=client_a)
    points = review.talking_points(cur, prev, rec)
    assert points[0] == ("We kept 1 of the 1 response promises that fell due on time (100%) "
                         "(up 100 points on last quarter).")
    assert any("1 reply was sent outside the agreed hours" in p for p in points)
    assert review.parse_quarter("", at(2026, 2, 1).date()) == (2026, 1)  # the current one
    assert review.parse_quarter("2026q2", at(2026, 2, 1).date()) == (2026, 2)
    pdf = review.client_review_pdf(client=client_a, year=2026, quarter=3)
    assert pdf.startswith(b"%PDF")


def test_client_page_panel_shows_figures_per_member(owner_web, recent, client_a):
    page = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "Consistency" in page and "Per team member" in page
    assert 'class="chart sparkline"' in page
    assert "50%" in page and "Milo Member" in page and "Olive Owner" in page
    assert f"/reports/clients/{client_a.pk}/" in page
    assert "1 incident in 1 month" in page and "Last incident 40 days ago" in page


def test_pages_render_without_any_data(owner_web, client_a):
    from datetime import date

    for params in ({}, {"months": "all"}, {"since": "2030-01-01"}):
        r = owner_web.get("/reports/", params)
        assert r.status_code == 200 and "Nothing recorded in this period." in r.content.decode()
    client_a.client_since = date(2099, 1, 1)  # a date in the future must not break anything
    client_a.save()
    r = owner_web.get(f"/reports/clients/{client_a.pk}/", {"months": "all"})
    assert r.status_code == 200 and "No incidents in under a month" in r.content.decode()
    assert owner_web.get(f"/clients/{client_a.pk}/").status_code == 200
    assert owner_web.get(f"/reports/clients/{client_a.pk}/review.pdf").status_code == 200


def test_client_page_shows_causes_from_learnings(owner_web, recent, client_a, ws_a):
    from ownup.incidents.models import Incident
    from ownup.learnings.models import Learning
    from ownup.postmortems.models import Postmortem

    pm = Postmortem.objects.create(workspace=ws_a, incident=Incident.objects.get())
    Learning.objects.create(workspace=ws_a, postmortem=pm, client=client_a, published=True,
                            statement="Check prices twice", category="quality")
    url = f"/reports/clients/{client_a.pk}/"
    page = owner_web.get(url).content.decode()
    assert "Incidents by cause (post-mortem learnings)" in page and "Quality check" in page
    rows = list(csv.reader(io.StringIO(
        owner_web.get(url, {"format": "csv", "table": "failure"}).content.decode())))
    assert rows == [["Category of failure", "Incidents"], ["Quality check", "1"]]
