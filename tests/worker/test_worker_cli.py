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


def test_an_idle_worker_polls_again_and_stops_when_asked():
    """Under the any-day suite's faked clock (tests/realtime.py) an idle worker's pause used to
    be a timed Event.wait that never returned: a mail queued while it slept was never sent.
    Here every pass finds nothing; the worker must come back for more passes, then stop when
    asked in the middle of a pause. Waits by time.sleep (a thread join with a timeout would
    hang on that clock just the same)."""
    import threading
    import time

    from ownup.worker.loop import Worker

    w = Worker(worker_id="idle", interval=0.01)
    passes = []

    def run_once():
        passes.append(1)
        return 0  # nothing done: pause, then poll again

    w.run_once = run_once
    thread = threading.Thread(target=w.run_forever, daemon=True)
    thread.start()
    for _ in range(2000):  # polls, not a deadline: stops as soon as the passes are seen
        if len(passes) >= 3:
            break
        time.sleep(0.01)
    assert len(passes) >= 3  # it woke from its idle pause, twice
    w.interval = 3600  # the next pause is long: a stop must still end it
    time.sleep(0.05)
    w.stopping.set()
    for _ in range(2000):
        if not thread.is_alive():
            break
        time.sleep(0.01)
    assert not thread.is_alive()
