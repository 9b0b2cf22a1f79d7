"""The dashboard puts my own work first (with counts), and shows a director the agency at a
glance: late replies this week, breaches now, open incidents, post-mortems waiting for
review, commitments handed to them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.postmortems.conftest import closed_incident, open_incident, pm  # noqa: F401

pytestmark = pytest.mark.django_db


def _in(ws, subject, at):
    from ownup.inbox.services.messages import message_create

    return message_create(workspace=ws, direction="inbound", sender="ellie@harbour.example",
                          subject=subject, body_text="Could you look at this?",
                          sent_at=at).thread


def _figure(html, name):
    return html.split(f'data-figure="{name}">', 1)[1].split("<", 1)[0]


def test_my_work_comes_first_with_counts(owner_web, owner, member, ws_a, client_a):
    from ownup.inbox.services.assignment import thread_assign

    now = timezone.now()
    late = _in(ws_a, "Old question", now - timedelta(days=10))
    fresh = _in(ws_a, "New question", now)
    other = _in(ws_a, "Someone else's", now)
    for t in (late, fresh):
        thread_assign(thread=t, owner=owner, user=owner)
    thread_assign(thread=other, owner=member, user=owner)
    html = owner_web.get("/").content.decode()
    assert html.index("My work") < html.index("Waiting on us")
    mine = html.split('id="h-my-work"', 1)[1].split("</section>", 1)[0]
    assert _figure(mine, "owned") == "2" and _figure(mine, "running") == "2"
    assert _figure(mine, "breached") == "1"
    assert "Old question" in mine and "New question" in mine and "Someone else" not in mine
    assert mine.index("Old question") < mine.index("New question")  # the overdue one first


def test_director_sees_the_agency_at_a_glance(pm, open_incident, director, owner, ws_a,  # noqa: F811
                                              client_a, member):
    from django.test import Client

    from ownup.postmortems.services import postmortem_submit, postmortem_update

    postmortem_update(postmortem=pm, user=member, summary="The release went out early.")
    postmortem_submit(postmortem=pm, user=member)
    _in(ws_a, "Breached thread", timezone.now() - timedelta(days=10))
    web = Client()
    web.force_login(director)
    html = web.get("/").content.decode()
    glance = html.split('id="h-glance"', 1)[1].split("</section>", 1)[0]
    assert _figure(glance, "open_incidents") == "1"
    assert _figure(glance, "in_review") == "1"
    assert _figure(glance, "breached_now") == "1"
    assert _figure(glance, "late_replies") == "0"
    assert "Waiting for your review" in glance and "embargo" in glance


def test_members_do_not_get_the_directors_panel(member_web, ws_a):
    assert 'id="h-glance"' not in member_web.get("/").content.decode()


def test_my_work_counts_compiled_once_follow_the_moment_and_the_person(owner, member, ws_a,
                                                                      client_a):
    """The four counts' SQL is compiled once for stand-in values; each call counts its own
    person at its own moment (breached and due-soon move with the clock), as the querysets
    counted one by one do."""
    from ownup.inbox import selectors
    from ownup.inbox.services.assignment import thread_assign

    now = timezone.now()
    for i, hours in enumerate((-240, -30, -2, 0, 1)):
        t = _in(ws_a, f"Question {i}", now + timedelta(hours=hours))
        thread_assign(thread=t, owner=owner if i % 2 == 0 else member, user=owner)
    for user in (owner, member):
        for moment in (now, now + timedelta(hours=20), now + timedelta(days=5)):
            times = {"now": moment, "soon": moment + timedelta(hours=selectors.DUE_SOON_HOURS)}
            compiled = selectors._counts_of_person(
                "my_work", selectors._my_work_counts, workspace=ws_a, user=user, times=times)
            direct = selectors.capped_counts(selectors._my_work_counts(ws_a, user, **times))
            assert compiled == direct, (user.email, moment)
    at_start = selectors.my_work(workspace=ws_a, user=owner)
    assert (at_start["owned"], at_start["running"]) == (3, 3)
    assert 1 <= at_start["breached"] < 3
