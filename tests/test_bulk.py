import pytest

from ownup.bulk import insert_rows

pytestmark = pytest.mark.django_db


def test_insert_rows_stores_every_column_and_related_ids(ws_a):
    from datetime import UTC, datetime

    from ownup.inbox.models import Message, Thread

    sent = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    thread = Thread(workspace=ws_a, subject="Hello", last_message_at=sent)
    message = Message(workspace=ws_a, thread=thread, direction="inbound", sender="a@b.example",
                      sent_at=sent, triage={"class": "urgent"}, recipients=["x@y.example"])
    insert_rows(Thread, [thread])
    insert_rows(Message, [message])
    stored = Message.objects.select_related("thread").get()
    assert stored.thread.subject == "Hello" and stored.triage == {"class": "urgent"}
    assert stored.recipients == ["x@y.example"] and stored.sent_at == sent
    assert stored.created_at is not None and not message._state.adding


def test_insert_rows_refuses_models_with_save_signals(ws_a):
    """A receiver would silently miss the rows: bulk_create's contract, made loud."""
    from django.db.models.signals import post_save

    from ownup.inbox.models import Quarantine

    def receiver(**kwargs):
        pass

    post_save.connect(receiver, sender=Quarantine)
    try:
        with pytest.raises(TypeError, match="save signals"):
            insert_rows(Quarantine, [Quarantine(workspace=ws_a, raw=b"x", reason="r")])
    finally:
        post_save.disconnect(receiver, sender=Quarantine)
    assert not Quarantine.objects.exists()
