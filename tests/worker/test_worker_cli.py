import pytest

from ownup.cli import main

pytestmark = pytest.mark.django_db


def test_worker_once_and_bad_arguments(capsys):
    assert main(["worker", "--once"]) == 0
    assert "processed" in capsys.readouterr().out
    assert main(["worker", "--once", "--queue", "nope"]) == 2
    assert "no queue named nope" in capsys.readouterr().err
    assert main(["worker", "--interval", "0"]) == 2


def test_every_poll_scan_lets_an_idle_worker_sleep():
    from ownup.worker.loop import Worker

    w = Worker(worker_id="idle")
    w.run_once()  # first pass: jobs with their own slots (digest, incident scan) run once
    assert w.run_once() == 0  # nothing due: the worker would sleep now
