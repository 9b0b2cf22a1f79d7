"""`ownup threads`: the inbox's views and search from the command line."""

import json

import pytest

from ownup.cli import main
from ownup.inbox.services.assignment import thread_assign
from ownup.inbox.services.messages import message_create
from ownup.inbox.services.status import thread_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(ws_a, client_a, owner):
    a = message_create(workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
                       subject="Launch plan", body_text="Send the photographer's schedule").thread
    b = message_create(workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
                       subject="Old brochure", body_text="The brochure arrived").thread
    thread_set_status(thread=b, status="resolved", user=owner)
    thread_assign(thread=a, owner=owner, user=owner)
    return a, b


def test_views_and_search(threads, capsys):
    assert main(["threads"]) == 0
    out = capsys.readouterr().out
    assert "Launch plan" in out and "Old brochure" not in out
    assert main(["threads", "--view", "resolved"]) == 0
    assert "Old brochure" in capsys.readouterr().out
    assert main(["threads", "-q", "brochure", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["subject"] for r in rows] == ["Old brochure"] and rows[0]["status"] == "resolved"
    assert main(["threads", "--view", "mine", "--user", "owner@a.example"]) == 0
    assert "Launch plan" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["threads", "--view", "nonsense"], "is not a view"),
    (["threads", "--view", "mine"], "needs --user"),
    (["threads", "--user", "nobody@x.example"], "no such person"),
    (["threads", "--limit", "0"], "at least 1"),
])
def test_mistakes_are_one_line_and_exit_2(threads, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
