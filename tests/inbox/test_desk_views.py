"""The inbox as a desk: every view with its count, full-text search (FTS5 / PostgreSQL), in
the selectors, the pages and the API."""

import re
from datetime import timedelta

import pytest

from ownup.inbox import selectors
from ownup.inbox.services.assignment import thread_assign
from ownup.inbox.services.messages import message_create
from ownup.inbox.services.status import thread_set_status

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _in(ws, subject, body, sender="ellie@harbour.example", at=NOW):
    return message_create(workspace=ws, direction="inbound", sender=sender, subject=subject,
                          body_text=body, sent_at=at).thread


@pytest.fixture
def desk(frozen_now, ws_a, client_a, owner, member):
    """One conversation in every state: waiting, mine, answered, waiting on client,
    resolved, unmatched."""
    waiting = _in(ws_a, "Launch plan", "Could you send the photographer's schedule?")
    mine = _in(ws_a, "Invoice 4471", "The invoice total looks wrong to us.",
               at=NOW - timedelta(hours=1))
    thread_assign(thread=mine, owner=owner, user=owner)
    answered = _in(ws_a, "Logo files", "Where are the vector logo files?",
                   at=NOW - timedelta(hours=2))
    thread_set_status(thread=answered, status="answered", user=owner)
    paused = _in(ws_a, "Budget sign-off", "We will confirm the budget next week.",
                 at=NOW - timedelta(hours=3))
    thread_set_status(thread=paused, status="waiting_on_client", user=owner)
    done = _in(ws_a, "Old brochure", "The brochure arrived, thanks, all good.",
               at=NOW - timedelta(days=2))
    thread_set_status(thread=done, status="resolved", user=owner)
    stranger = _in(ws_a, "Partnership idea", "We sell drones for photography.",
                   sender="sales@drones.example", at=NOW - timedelta(hours=4))
    return {"waiting": waiting, "mine": mine, "answered": answered, "paused": paused,
            "done": done, "stranger": stranger}


def _subjects(qs):
    return [t.subject for t in qs]


def test_each_view_holds_its_threads(desk, ws_a, owner):
    def view(name, **kw):
        return set(_subjects(selectors.desk_threads(workspace=ws_a, view=name, user=owner,
                                                    **kw)))

    assert view("open") == {"Launch plan", "Invoice 4471"}
    assert view("mine") == {"Invoice 4471"}
    assert view("answered") == {"Logo files"}
    assert view("waiting_on_client") == {"Budget sign-off"}
    assert view("resolved") == {"Old brochure"}
    assert view("unmatched") == {"Partnership idea"}
    assert view("all") == {"Launch plan", "Invoice 4471", "Logo files", "Budget sign-off",
                           "Partnership idea"}
    assert len(view("everything")) == 6
    counts = selectors.view_counts(workspace=ws_a, user=owner)
    assert counts == {"mine": 1, "open": 2, "all": 5, "waiting_on_client": 1, "answered": 1,
                      "resolved": 1, "unmatched": 1, "everything": 6}


def test_search_finds_subject_sender_and_the_clients_words(desk, ws_a, owner):
    def search(q, view="everything"):
        return _subjects(selectors.desk_threads(workspace=ws_a, view=view, user=owner, q=q))

    assert search("brochure") == ["Old brochure"]  # resolved: still findable
    assert search("schedules") == ["Launch plan"]  # the client's words, stemmed
    assert "Launch plan" in search("photographer")
    assert set(search("photo")) == {"Launch plan", "Partnership idea"}  # a prefix
    assert search("drones.example") == ["Partnership idea"]  # the sender's address
    assert search("sales") == ["Partnership idea"]
    assert search("invoice total") == ["Invoice 4471"]  # every word
    assert search("invoice brochure") == []
    assert search("4471") == ["Invoice 4471"]
    assert search("brochure", view="open") == []  # within a view
    assert search('"); DROP TABLE x; -- OR *') == []  # never query syntax
    assert search("   ") == _subjects(selectors.desk_threads(workspace=ws_a, view="everything",
                                                              user=owner))
    counts = selectors.view_counts(workspace=ws_a, user=owner, q="photo")
    assert counts["everything"] == 2 and counts["unmatched"] == 1 and counts["resolved"] == 0


def test_a_search_passes_its_matching_threads_as_one_parameter(desk, ws_a, owner):
    """The rows and the tabs' counts of a narrow search filter on the matching threads' ids:
    on PostgreSQL as one array (``= ANY(%s)``), not one parameter an id; same threads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    matches = selectors.search_matches(ws_a, "photo")
    assert matches[1] and len(matches[0]) == 2
    with CaptureQueriesContext(connection) as queries:
        found = _subjects(selectors.desk_threads(workspace=ws_a, view="everything",
                                                 user=owner, q="photo", matches=matches))
        counts = selectors.view_counts(workspace=ws_a, user=owner, q="photo",
                                       matches=matches)
    assert set(found) == {"Launch plan", "Partnership idea"}
    assert counts["everything"] == 2 and counts["open"] == 1 and counts["unmatched"] == 1
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2
    if connection.vendor == "postgresql":
        assert all("= ANY(" in s and " IN (" not in s for s in sql), sql
    # No match: no thread, every count zero, on both databases.
    none = ([], True)
    assert list(selectors.desk_threads(workspace=ws_a, view="everything", user=owner,
                                       q="zzzqqq", matches=none)) == []
    assert set(selectors.view_counts(workspace=ws_a, user=owner, q="zzzqqq",
                                     matches=none).values()) == {0}


def test_a_row_is_kept_for_what_it_shows_and_never_stale(desk, ws_a, owner, owner_web):
    """desk_row keeps each row's HTML for the values it shows: the same HTML as the
    template renders, again when a shown value changes; every value the row's templates
    read is part of its key."""
    from pathlib import Path

    from django.template.loader import render_to_string

    from ownup.inbox.templatetags import desk as desk_tags

    def rows_html():
        return owner_web.get("/inbox/rows/?view=all").content.decode()

    desk_tags._row_html.clear()
    first = rows_html()
    kept = len(desk_tags._row_html)
    assert kept == 5 and rows_html() == first and len(desk_tags._row_html) == kept
    for html in desk_tags._row_html.values():  # as the template renders it
        assert html in first and html.startswith("<tr")
    thread = desk["waiting"]
    thread.subject = "Launch plan, revised"
    thread.save(update_fields=["subject"])
    thread_assign(thread=desk["answered"], owner=owner, user=owner)
    second = rows_html()
    assert "Launch plan, revised" in second and "Launch plan<" not in second
    assert len(desk_tags._row_html) == kept + 2  # the two changed rows, rendered anew
    t = selectors.list_rows(selectors.desk_threads(workspace=ws_a, view="all",
                                                   user=owner)).get(pk=thread.pk)
    t.url = t.client_url = "/x/"
    t.owner_name = ""
    clock = selectors.clock_state(t)
    ctx = {"t": t, "clock": clock, "view": "all", "unmatched_url": "/u/"}
    assert desk_tags.desk_row(**ctx) == render_to_string("inbox/_row.html", ctx)
    # Every value the row and its clock read is in the key.
    templates = Path(desk_tags.__file__).parent.parent / "templates" / "inbox"
    text = (templates / "_row.html").read_text() + (templates / "_clock.html").read_text()
    derived = {"get_message_class_display": "message_class", "get_status_display": "status"}
    assert {derived.get(n, n) for n in re.findall(r"\bt\.(\w+)", text)} <= set(
        desk_tags.ROW_FIELDS)
    assert set(re.findall(r"\bclock\.(\w+)", text)) <= set(desk_tags.CLOCK_FIELDS)


def test_the_search_probe_reads_matches_unordered(desk, ws_a):
    """The probe that tells a narrow search from a broad one reads up to
    SEARCH_MATCH_LIMIT + 1 matches in no order: ordered, PostgreSQL fetched and sorted every
    match of a broad word first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        ids, complete = selectors.search_matches(ws_a, "photo")
    assert complete and len(ids) == 2
    (probe,) = [q["sql"] for q in queries.captured_queries]
    assert "ORDER BY" not in probe.upper() and "LIMIT" in probe.upper()


def test_search_stays_in_the_workspace(desk, ws_b, owner):
    _in(ws_b, "Other agency brochure", "brochure")
    assert _subjects(selectors.desk_threads(workspace=desk["done"].workspace,
                                            view="everything", user=owner,
                                            q="brochure")) == ["Old brochure"]


def test_replies_are_not_searched_as_the_clients_words(desk, ws_a, owner):
    message_create(workspace=ws_a, direction="outbound", thread=desk["waiting"],
                   sender="olivia@agency.example", body_text="The zeppelin is booked.",
                   sent_at=NOW)
    assert list(selectors.desk_threads(workspace=ws_a, view="everything", user=owner,
                                       q="zeppelin")) == []


def test_counts_stop_at_the_cap(desk, ws_a, owner):
    assert selectors.capped_count(
        selectors.desk_threads(workspace=ws_a, view="everything", user=owner), cap=3) == 4


def test_inbox_page_tabs_views_and_search(desk, owner_web):
    html = owner_web.get("/inbox/").content.decode()
    for label in ("Mine", "Waiting on us", "All open", "Waiting on client", "Answered",
                  "Resolved", "Unmatched", "All conversations", "Quarantined"):
        assert f">{label} <span class=\"count\">" in html, label
    assert 'data-view="resolved">Resolved <span class="count">1</span>' in html
    html = owner_web.get("/inbox/?view=resolved").content.decode()
    assert "Old brochure" in html and "Launch plan" not in html and "Resolved" in html
    html = owner_web.get("/inbox/?q=brochure").content.decode()
    assert "Conversations matching “brochure”" in html and "Old brochure" in html
    assert "Launch plan" not in html
    html = owner_web.get("/inbox/?view=unmatched").content.decode()
    assert "Partnership idea" in html and ">Unmatched</a>" in html
    html = owner_web.get("/inbox/?q=nothingmatchesthis").content.decode()
    assert "No conversation matches" in html
    assert owner_web.get("/inbox/?view=bogus&page=x").status_code == 200
    rows = owner_web.get("/inbox/rows/?view=mine").content.decode()
    assert "Invoice 4471" in rows and "Launch plan" not in rows


def test_the_unmatched_notice_counts_every_unmatched_thread(desk, owner_web, ws_a,
                                                            monkeypatch):
    """The notice reads the Unmatched tab's count, and counts on its own when the tab counts
    a search's matches or stopped at the cap."""
    _in(ws_a, "Second stranger", "Hello there.", sender="hi@elsewhere.example")
    notice = "2 threads from unknown senders</a> wait to be matched"
    assert notice in owner_web.get("/inbox/").content.decode()
    assert notice in owner_web.get("/inbox/?view=resolved").content.decode()
    html = owner_web.get("/inbox/?q=brochure").content.decode()  # no unmatched thread matches
    assert notice in html
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)  # the tab shows "1+": the notice counts
    html = owner_web.get("/inbox/").content.decode()
    assert notice in html


def test_thread_page_owner_picker_marks_the_owner(desk, owner_web, owner, member):
    html = owner_web.get(f"/inbox/{desk['mine'].pk}/").content.decode()
    picker = html.split('<select name="owner">', 1)[1].split("</select>", 1)[0]
    # Nobody, then the workspace's people by first name
    assert re.findall(r">([^<]+)</option>", picker) == [
        "Nobody", "Dina Director", "Milo Member", "Olive Owner"]
    assert f'<option value="{owner.person.uid}" selected>' in picker
    assert f'<option value="{member.person.uid}">' in picker
    html = owner_web.get(f"/inbox/{desk['waiting'].pk}/").content.decode()
    picker = html.split('<select name="owner">', 1)[1].split("</select>", 1)[0]
    assert " selected" not in picker


def test_member_sees_no_quarantine_tab(desk, member_web):
    html = member_web.get("/inbox/").content.decode()
    assert "Mine" in html and "Quarantined" not in html


def test_api_views_search_and_mine(desk, owner_api, member_api):
    def subjects(api, **params):
        r = api.get("threads", **params)
        assert r.status_code == 200, r.content
        return {t["subject"] for t in r.json()["items"]}

    assert subjects(owner_api) == {"Launch plan", "Invoice 4471"}  # waiting on us
    assert subjects(owner_api, status="resolved") == {"Old brochure"}
    assert subjects(owner_api, status="", q="brochure") == {"Old brochure"}
    assert subjects(owner_api, status="all", mine=1) == {"Invoice 4471"}
    assert subjects(member_api, status="all", mine=1) == set()
    assert subjects(owner_api, status="unmatched", q="drones") == {"Partnership idea"}
    r = owner_api.get("threads", status="nonsense")
    assert r.status_code == 422 and "is not a view" in r.content.decode()
    r = owner_api.get("threads/counts", q="photo")
    counts = {c["view"]: c["count"] for c in r.json()}
    assert counts["everything"] == 2 and counts["open"] == 1


def test_client_page_lists_its_conversations_newest_first(desk, owner_web, client_a):
    html = owner_web.get(f"/clients/{client_a.pk}/").content.decode()
    assert "Conversations" in html
    order = ["Launch plan", "Invoice 4471", "Logo files", "Budget sign-off", "Old brochure"]
    positions = [html.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Partnership idea" not in html  # unmatched: not this client's


def test_search_reads_the_clients_new_words_not_the_quoted_history(frozen_now, ws_a,
                                                                   client_a, owner):
    from ownup.inbox.models import Message

    body = ("Friday suits us, thanks.\n\nOn Mon, 2 Nov 2026 at 09:00, Olivia wrote:\n"
            "> Shall we book the zeppelin for the launch?\n")
    thread = _in(ws_a, "Launch", body)
    msg = Message.objects.get(thread=thread)
    assert "zeppelin" not in msg.new_text and "Friday" in msg.new_text

    def search(q):
        return _subjects(selectors.desk_threads(workspace=ws_a, view="everything", user=owner,
                                                q=q))

    assert search("friday") == ["Launch"]
    assert search("zeppelin") == []


def test_a_broad_search_walks_newest_first_and_does_not_count(desk, ws_a, owner, owner_web,
                                                              monkeypatch):
    """Past SEARCH_MATCH_LIMIT matching messages the search keeps the semi-join plan: the
    same threads, newest first, and the tabs carry no counts (they would be guesses)."""
    narrow = _subjects(selectors.desk_threads(workspace=ws_a, view="everything", user=owner,
                                              q="the"))
    monkeypatch.setattr(selectors, "SEARCH_MATCH_LIMIT", 1)
    assert selectors.search_matches(ws_a, "ellie") == ([], False)
    broad = _subjects(selectors.desk_threads(workspace=ws_a, view="everything", user=owner,
                                             q="harbour"))
    assert broad == ["Launch plan", "Invoice 4471", "Logo files", "Budget sign-off",
                     "Old brochure"]
    assert narrow == _subjects(selectors.desk_threads(workspace=ws_a, view="everything",
                                                      user=owner, q="the"))
    assert selectors.view_counts(workspace=ws_a, user=owner, q="harbour")["resolved"] is None
    html = owner_web.get("/inbox/?q=harbour").content.decode()
    assert "add a word to narrow the search" in html and "Old brochure" in html


def test_import_mail_refreshes_statistics_after_a_bulk_import(ws_a, monkeypatch, tmp_path):
    import mailbox

    from ownup.cli import main
    from ownup.inbox import ingest

    calls = []
    monkeypatch.setattr(ingest, "statistics_refresh", lambda: calls.append(1))
    box = mailbox.mbox(str(tmp_path / "two.mbox"))
    for i in range(2):
        box.add(f"From: a{i}@x.example\nSubject: s{i}\nMessage-ID: <m{i}@x>\n\nhi\n".encode())
    box.flush()
    monkeypatch.setattr(ingest, "ANALYZE_AFTER", 2)
    assert main(["import-mail", str(tmp_path / "two.mbox"), "--quiet"]) == 0
    assert calls == [1]
    monkeypatch.undo()
    ingest.statistics_refresh()  # runs on either database


@pytest.mark.django_db(transaction=True)
def test_statistics_refresh_vacuums_and_analyses_on_postgresql():
    """Outside a transaction (as import-mail runs it) PostgreSQL VACUUMs and ANALYZEs the
    tables an import grew: the pages it wrote join the visibility map (index-only counts
    stop visiting the table) and the planner sees the new rows."""
    from django.db import connection

    from ownup.inbox import ingest

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and pg_stat_user_tables are PostgreSQL's")

    def counts() -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables "
                           "WHERE relname IN ('inbox_thread', 'inbox_message', 'inbox_promise')")
            return {name: (v, a) for name, v, a in cursor.fetchall()}

    before = counts()
    ingest.statistics_refresh()
    after = counts()
    assert set(after) == {"inbox_thread", "inbox_message", "inbox_promise"}
    for table, (vacuums, analyses) in after.items():
        assert vacuums == before[table][0] + 1, table
        assert analyses == before[table][1] + 1, table


def test_a_deleted_message_leaves_the_search_index(desk, ws_a, owner):
    """SQLite: the FTS rows follow the message rows through every migration (a table rebuild
    once dropped the delete trigger, and a new message then hit the stale row's rowid)."""
    from django.db import connection

    from ownup.inbox.models import Message

    desk["done"].messages.all().delete()
    desk["done"].delete()
    assert search_subjects(ws_a, owner, "brochure") == []
    again = _in(ws_a, "New brochure", "The brochure is late again.")
    assert search_subjects(ws_a, owner, "brochure") == [again.subject]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'inbox_message'")
            assert {r[0] for r in cursor.fetchall()} >= {
                "inbox_message_fts_ai", "inbox_message_fts_au", "inbox_message_fts_ad"}
            cursor.execute("SELECT count(*) FROM inbox_message_fts")
            indexed = cursor.fetchone()[0]
        assert indexed == Message.objects.filter(direction="inbound").count()


def search_subjects(ws, user, q):
    return _subjects(selectors.desk_threads(workspace=ws, view="everything", user=user, q=q))


def test_waiting_on_us_reads_ids_first_in_the_same_order(frozen_now, ws_a, client_a, owner,
                                                         owner_web):
    """rows_in_order gives the slice the queryset gives, and whether more rows follow; the
    inbox pages through waiting on us with it (50 a page)."""
    for i in range(53):
        _in(ws_a, f"Question {i:02}", "Could you confirm the date?",
            at=NOW - timedelta(minutes=i))
    qs = selectors.desk_threads(workspace=ws_a, view="open", user=owner)
    every = list(qs)
    assert len(every) == 53
    assert selectors.rows_in_order(qs, 0, 50) == (every[:50], True)
    assert selectors.rows_in_order(qs, 50, 100) == (every[50:], False)
    assert selectors.rows_in_order(qs, 0, 53) == (every, False)
    html = owner_web.get("/inbox/").content.decode()
    assert html.count('<a href="/inbox/') - html.count('<a href="/inbox/?') >= 50
    assert "page=2" in html and every[49].subject in html and every[50].subject not in html
    html = owner_web.get("/inbox/?page=2").content.decode()
    assert every[50].subject in html and every[52].subject in html
    assert every[0].subject not in html


@pytest.mark.django_db(transaction=True)
def test_waiting_index_covers_the_ids_first_read():
    """PostgreSQL: thread_waiting_idx carries the id and the ordering's columns, so the ids
    of waiting on us are read by an index-only walk (migration 0019)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("an expression index of PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('thread_waiting_idx'::regclass)")
        definition = cursor.fetchone()[0]
    assert ("INCLUDE (id, answered_at, paused_at, update_due, acknowledge_by, acknowledged_at,"
            " respond_by)") in definition


def test_tab_counts_compiled_once_count_each_workspace_and_person(desk, ws_a, ws_b, owner,
                                                                   member, outsider):
    """The tabs' count query is compiled once per process for stand-in values; every call
    counts its own workspace and person, as the querysets counted one by one do."""
    _in(ws_b, "Elsewhere", "A thread of another agency.", sender="x@b.example")

    def one_by_one(ws, user):
        return selectors.capped_counts(selectors._views_of(ws, user))

    for ws, user in ((ws_a, owner), (ws_a, member), (ws_b, outsider), (ws_a, owner)):
        assert selectors.view_counts(workspace=ws, user=user) == one_by_one(ws, user)
    assert selectors.view_counts(workspace=ws_a, user=member)["mine"] == 0
    assert selectors.view_counts(workspace=ws_a, user=owner)["mine"] == 1
    assert selectors.view_counts(workspace=ws_b, user=outsider)["everything"] == 1
    key = next(k for k in selectors._compiled_counts if k[0] == "views")
    assert selectors._compiled_counts[key][1].count("SELECT COUNT(*)") == len(selectors.VIEWS)


@pytest.mark.parametrize("view", ["", "all", "mine", "resolved"])
def test_an_absurd_page_number_is_an_empty_page_not_a_500(desk, owner_web, view):
    """?page=99999999999999999999 made an offset the database refuses (SQLite 'datatype
    mismatch', PostgreSQL 'bigint out of range'): the page number is bounded."""
    for page in ("99999999999999999999", "2000001"):
        r = owner_web.get(f"/inbox/?view={view}&page={page}")
        assert r.status_code == 200
        assert "Launch plan" not in r.content.decode()
    assert owner_web.get(f"/inbox/?view={view}&page=1e9").status_code == 200
    assert owner_web.get("/inbox/rows/?page=99999999999999999999").status_code == 200
