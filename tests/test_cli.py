"""The console script: help, workspace resolution, clear one-line errors."""

import subprocess
import sys

import pytest

from ownup.cli import main

pytestmark = pytest.mark.django_db


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("serve", "worker", "migrate", "manage", "demo", "user", "token"):
        assert name in out


def test_user_and_token_create(ws_a, capsys):
    assert main(["user", "create", "new@a.example", "--password", "long enough pass",
                 "--role", "manager", "--name", "Nia New"]) == 0
    assert "new@a.example (manager in agency-a)" in capsys.readouterr().out
    assert main(["token", "create", "new@a.example"]) == 0
    raw = capsys.readouterr().out.strip()
    from ownup.accounts.selectors import token_authenticate

    assert raw.startswith("ou_") and token_authenticate(raw).user.email == "new@a.example"


def test_errors_are_one_line(ws_a, ws_b, capsys):
    assert main(["token", "create", "nobody@x.example", "--workspace", "agency-a"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "ownup: error: no user with email nobody@x.example"
    assert main(["token", "create", "x@y.example"]) == 2  # two workspaces: must name one
    assert "--workspace" in capsys.readouterr().err
    assert main(["user", "create", "a@b.example", "--password", "pw-long-enough-1",
                 "--workspace", "nope"]) == 2
    assert "no workspace with slug 'nope'" in capsys.readouterr().err
    assert main(["user", "create", "a@b.example", "--password", "pw-long-enough-1",
                 "--workspace", "agency-a", "--timezone", "Mars/Base"]) == 2
    assert "Mars/Base" in capsys.readouterr().err
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="a@b.example").exists()


def test_duplicate_user_refused(owner, capsys):
    assert main(["user", "create", "owner@a.example", "--password", "x-long-password"]) == 2
    assert "exists already" in capsys.readouterr().err


def test_demo_is_idempotent(capsys):
    from ownup.accounts.models import Membership
    from ownup.clients.models import Client, Contact
    from ownup.inbox.models import Message, Thread

    def counted():
        return (Client.objects.count(), Contact.objects.count(), Membership.objects.count(),
                Thread.objects.count(), Message.objects.count())

    assert main(["demo"]) == 0
    counts = counted()
    assert main(["demo"]) == 0
    assert counts == counted()
    assert counts[0] == 8 and counts[2] == 5
    zones = {c.team.get(role="owner").user.profile.timezone for c in Client.objects.all()}
    assert zones == {"Europe/London", "America/New_York"}
    assert "sign in as" in capsys.readouterr().out
    from ownup.incidents.models import Incident

    assert sorted(Incident.objects.values_list("status", flat=True)) == [
        "closed", "closed", "open"]
    assert Thread.objects.filter(status="open", client__isnull=False).count() >= 3
    assert Thread.objects.filter(client__isnull=True).exists()  # one for the unmatched queue
    assert main(["demo", "--if-empty"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_console_script_runs_without_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "ownup.cli", "serve", "--port", "0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--port 0 is not a TCP port" in r.stderr


def test_makemigrations_check_finds_nothing_missing(capsys):
    """`ownup makemigrations --check --dry-run` (the landing check): every model change has its
    migration; exit 0 and Django's own report."""
    assert main(["makemigrations", "--check", "--dry-run"]) == 0
    assert "No changes detected" in capsys.readouterr().out
