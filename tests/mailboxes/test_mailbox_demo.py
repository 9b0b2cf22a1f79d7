import pytest

from ownup.mailboxes.models import Mailbox
from ownup.mailboxes.services import mailboxes_claim_due

pytestmark = pytest.mark.django_db


def test_demo_mailboxes_are_paused_and_idempotent():
    from django.utils import timezone

    from ownup.demo import load_demo

    ws = load_demo()
    boxes = list(Mailbox.objects.filter(workspace=ws).order_by("name"))
    assert [b.kind for b in boxes] == ["shared_inbox", "sent_folder"]
    assert not any(b.enabled for b in boxes) and all(b.has_password for b in boxes)
    assert mailboxes_claim_due(worker_id="w", now=timezone.now(), limit=10) == []
    load_demo()
    assert Mailbox.objects.filter(workspace=ws).count() == 2
