from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def lumen(ws_a):
    """A second client matched only through a contact on a shared mail domain."""
    from ownup.clients.services import client_create, contact_create

    client = client_create(workspace=ws_a, name="Lumen")
    contact_create(client=client, name="Pat", email="pat@mail.example")
    return client
