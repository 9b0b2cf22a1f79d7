from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 2, 15, tzinfo=UTC)  # Monday 10:00 New York
CALM = "Hi, could you send the draft plan when you get a chance? Thanks, Ellie"
EXCUSE = "Sorry, but the delay was not our fault: the printer was late and Sam forgot it."


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def lumen(ws_a):
    """A second client matched only through a contact on a shared mail domain."""
    from ownup.clients.services import client_create, contact_create

    client = client_create(workspace=ws_a, name="Lumen")
    contact_create(client=client, name="Pat", email="pat@mail.example")
    return client


@pytest.fixture
def frozen_now():
    """Time stands still at NOW (a Monday morning in the client's New York hours)."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def thread(frozen_now, ws_a, client_a):
    """A calm inbound message from the client's contact, received at NOW."""
    from ownup.inbox.services.messages import message_create

    return message_create(
        workspace=ws_a, direction="inbound", sender="ellie@harbour.example",
        subject="Launch plan", body_text=CALM, sent_at=NOW,
    ).thread
