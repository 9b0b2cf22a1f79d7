"""Reports are bounded (issue 15): a period longer than MAX_REPORT_MONTHS is a clear 4xx, the
month table never grows past it, and on PostgreSQL a report's queries run under a statement
timeout that ends in a clear 503."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection, connections

from ownup.reports import selectors
from ownup.reports.figures import MAX_REPORT_MONTHS
from tests.reports.factories import at, reply, thread

FROZEN = "2026-06-15T12:00:00Z"


@pytest.mark.parametrize("path", ["reports/agency", "reports/consistency"])
def test_the_api_refuses_a_period_over_ten_years(owner_api, path):
    with time_machine.travel(FROZEN, tick=False):
        r = owner_api.get(path, since="0001-01-01")
        assert r.status_code == 422 and "at most 10 years" in r.content.decode()
        r = owner_api.get(path, since="2000-01-01", until="2026-01-01")
        assert r.status_code == 422
        r = owner_api.get(path, since="2016-07-01", by="month")  # 120 months: allowed
        assert r.status_code == 200


def test_the_client_report_api_refuses_it_too(owner_api, client_a):
    r = owner_api.get(f"reports/clients/{client_a.pk}/track-record", since="1900-01-01")
    assert r.status_code == 422 and "at most 10 years" in r.content.decode()


def test_the_pages_refuse_it_with_a_message(owner_web, client_a):
    for url in ("/reports/?since=0001-01-01", f"/reports/clients/{client_a.pk}/?since=0001-01-01"):
        r = owner_web.get(url)
        assert r.status_code == 400 and "at most 10 years" in r.content.decode()


def test_all_time_over_older_data_shows_the_last_ten_years(ws_a, client_a, member):
    with time_machine.travel(FROZEN, tick=False):
        old = thread(ws_a, client_a, owner=member, started=at(1990, 3, 2, 9))
        reply(old, sent_at=at(1990, 3, 2, 10), by=member, ack=60)
        months = selectors.consistency(workspace=ws_a, by="month")
    assert len(months) == MAX_REPORT_MONTHS and months[-1].key == "2026-06-01"


@pytest.mark.django_db(transaction=True)
def test_a_report_past_its_statement_timeout_is_a_clear_503(owner_api, settings, ws_a):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    from ownup.inbox.models import Message, Thread

    settings.OWNUP_REPORT_TIMEOUT = 0.3
    blocker = connections.create_connection("default")
    try:
        with blocker.cursor() as cursor:  # another session holds the tables the report reads
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {Thread._meta.db_table}, {Message._meta.db_table} "
                           "IN ACCESS EXCLUSIVE MODE")
            r = owner_api.get("reports/agency")
            cursor.execute("ROLLBACK")
    finally:
        blocker.close()
    assert r.status_code == 503 and r["Retry-After"]
    assert "longer than 0.3 s" in r.json()["detail"]
    assert owner_api.get("reports/agency").status_code == 200  # nothing left behind
