"""A batch (``messages_ingest``, what ``import-mail`` uses) stores exactly what the same
messages stored one at a time would: threads, clocks, triage and reply judgements."""

import mailbox
import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from ownup.cli import main
from ownup.inbox import ingest
from ownup.inbox.ingest import message_ingest, messages_ingest
from ownup.inbox.models import Message, Quarantine, Thread

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, in the past
TOPICS = ["launch plan", "invoice 2291", "press release", "wrong price live", "logo files"]
BODIES = [
    "Could you send the {t} when you have a moment?",
    "We are still waiting on the {t}. This is getting urgent, the board meets tomorrow.",
    "The wrong price is live on the site for the {t}. Please fix asap!",
    "Thanks for the {t}, looks great.",
]


def _mail(*, sender, to, subject, sent, message_id, body, parent=None, refs=()):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, subject
    m["Date"] = format_datetime(sent)
    m["Message-ID"] = message_id
    if parent:
        m["In-Reply-To"] = parent
        m["References"] = " ".join([*refs, parent])
    m.set_content(body)
    return m.as_bytes()


def _corpus(seed: int = 5) -> tuple[list[bytes], list[bytes]]:
    """Client mail (threads by headers and by subject, unknown senders, a re-sent copy,
    one without a sender) and the agency's replies to a third of it."""
    rnd = random.Random(seed)
    senders = ["ellie@harbour.example", "sam@harbour.example", "pat@mail.example",
               "stranger@elsewhere.example"]
    inbound, outbound, sent_ids = [], [], []
    at = START
    for n in range(90):
        at += timedelta(minutes=rnd.choice([7, 45, 180, 900, 3000]))
        topic = rnd.choice(TOPICS)
        body = rnd.choice(BODIES).format(t=topic)
        parent = rnd.choice(sent_ids) if sent_ids and rnd.random() < 0.4 else None
        subject = f"Re: {topic}" if parent or rnd.random() < 0.3 else topic.capitalize()
        inbound.append(_mail(sender=rnd.choice(senders), to="team@agency.example",
                             subject=subject, sent=at, message_id=f"<in{n}@client.example>",
                             body=body, parent=parent))
        sent_ids.append(f"<in{n}@client.example>")
        if n % 3 == 0:
            replied = at + timedelta(minutes=rnd.choice([5, 90, 600, 4000]))
            outbound.append(_mail(sender="owner@a.example", to="ellie@harbour.example",
                                  subject=f"Re: {topic}", sent=replied,
                                  message_id=f"<out{n}@agency.example>",
                                  body="Sorry, we are on it and will send it by 3pm today.",
                                  parent=f"<in{n}@client.example>"))
    inbound.insert(40, inbound[10])  # the same mail again: a duplicate
    inbound.insert(50, b"Subject: no sender\n\nWho sent this?\n")
    inbound.insert(55, inbound[50])  # the same bad mail again: held once, never stored
    return inbound, outbound


def _setup(workspace):
    from ownup.clients.services import client_create, contact_create

    harbour = client_create(workspace=workspace, name="Harbour Coffee",
                            email_domains=["harbour.example"])
    contact_create(client=harbour, name="Ellie Marsh", email="ellie@harbour.example")
    lumen = client_create(workspace=workspace, name="Lumen")
    contact_create(client=lumen, name="Pat", email="pat@mail.example")


THREAD_FIELDS = ["subject", "message_class", "mood", "status", "acknowledge_by", "respond_by",
                 "clock_started_at", "acknowledged_at", "answered_at", "paused_at",
                 "respond_remaining_seconds", "pauses", "last_message_at"]
MESSAGE_FIELDS = ["direction", "sender", "sent_at", "triage", "parse_warnings", "verdict",
                  "late_by_seconds", "off_hours", "acknowledges", "answers", "ack_seconds",
                  "respond_seconds", "body_text"]


def _canonical(workspace) -> list:
    """The workspace's inbox with ids left out: each thread as its messages and clocks."""
    threads = []
    for thread in Thread.objects.filter(workspace=workspace).select_related("client"):
        messages = [
            [m.message_id, *(getattr(m, f) for f in MESSAGE_FIELDS)]
            for m in thread.messages.order_by("sent_at", "message_id")
        ]
        promises = [list(p) for p in thread.promises.order_by("cycle", "kind").values_list(
            "cycle", "kind", "cycle_started_at", "due", "met_at", "owner_id", "client__name")]
        threads.append([messages, thread.client.name if thread.client else None,
                        *(getattr(thread, f) for f in THREAD_FIELDS), promises])
    return sorted(threads, key=lambda t: t[0][0][0])


def _one_at_a_time(workspace, raw: bytes, direction: str) -> str:
    """The reference: each message threaded by ``find_thread``'s queries and saved alone."""
    from ownup.inbox.parsing import parse_raw
    from ownup.inbox.services.messages import match_client, message_record

    parsed = parse_raw(raw)
    if Message.objects.filter(workspace=workspace, message_id=parsed.message_id,
                              content_sha256=parsed.content_sha256).exists():
        return "duplicate"
    if not parsed.sender:
        if not Quarantine.objects.filter(workspace=workspace, raw=raw).exists():
            Quarantine.objects.create(workspace=workspace, raw=raw, reason="no sender")
        return "quarantined"
    inbound = direction == "inbound"
    client = match_client(workspace, [parsed.sender] if inbound else parsed.recipients)
    message_record(workspace=workspace, client=client, thread=None, direction=direction,
            channel="email", message_id=parsed.message_id, in_reply_to=parsed.in_reply_to,
            references=parsed.references, sender=parsed.sender, recipients=parsed.recipients,
            subject=parsed.subject, sent_at=parsed.sent_at, body_text=parsed.body_text,
            new_text=parsed.new_text, content_sha256=parsed.content_sha256,
            body_html=parsed.body_html, is_auto_reply=parsed.is_auto_reply,
            parse_warnings=parsed.warnings, answered=False)
    return "imported" if client is not None else "unmatched"


def test_a_batch_stores_what_one_by_one_stores(ws_a, ws_b, owner):
    from ownup.accounts.services import membership_set

    membership_set(workspace=ws_b, user=owner, role="owner")
    for ws in (ws_a, ws_b):
        _setup(ws)
    inbound, outbound = _corpus()
    one_by_one = [_one_at_a_time(ws_a, raw, "inbound") for raw in inbound]
    one_by_one += [_one_at_a_time(ws_a, raw, "outbound") for raw in outbound]
    batched = []
    for direction, mail in (("inbound", inbound), ("outbound", outbound)):
        for start in range(0, len(mail), 25):
            batched += messages_ingest(ws_b, mail[start:start + 25], direction)
    assert batched == one_by_one
    assert {"imported", "duplicate", "unmatched", "quarantined"} <= set(batched)
    expected = _canonical(ws_a)
    assert len(expected) >= 15 and any(len(t[0]) > 2 for t in expected)
    assert any(m[6] == "late" for t in expected for m in t[0])  # replies were judged
    assert sum(len(t[-1]) for t in expected) >= 20  # the promises ledger is compared too
    assert _canonical(ws_b) == expected
    assert Quarantine.objects.filter(workspace=ws_b).count() == 1  # the same bytes, held once
    assert [message_ingest(ws_b, raw) for raw in inbound[:3]] == ["duplicate"] * 3


def test_one_bad_message_is_quarantined_alone(ws_a, client_a, monkeypatch):
    inbound, _ = _corpus()
    real = ingest.message_prepare

    def fails_on_invoices(**fields):
        if "invoice" in fields["subject"].lower():
            raise RuntimeError("cannot take invoices today")
        return real(**fields)

    monkeypatch.setattr(ingest, "message_prepare", fails_on_invoices)
    outcomes = messages_ingest(ws_a, inbound[:60])
    invoices = sum(b"invoice" in raw.lower() for raw in inbound[:60])
    reasons = list(Quarantine.objects.values_list("reason", flat=True))
    assert invoices > 0
    assert reasons.count("RuntimeError: cannot take invoices today") == invoices
    assert outcomes.count("quarantined") == invoices + 2  # and the two without a sender
    assert Message.objects.count() == outcomes.count("imported") + outcomes.count("unmatched")


def test_a_database_error_in_a_batch_propagates_and_stores_nothing(ws_a, client_a,
                                                                   monkeypatch):
    from django.db import OperationalError, transaction

    def away(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ingest, "insert_rows", away)
    inbound, _ = _corpus()
    with pytest.raises(OperationalError), transaction.atomic():
        messages_ingest(ws_a, inbound[:30])
    assert Message.objects.count() == 0 and Quarantine.objects.count() == 0


def _mbox(tmp_path, mail: list[bytes]):
    path = tmp_path / "mail.mbox"
    box = mailbox.mbox(str(path))
    for raw in mail:
        box.add(raw)
    box.flush()
    box.close()
    return path


def test_import_mail_with_parse_workers_matches_one_process(ws_a, ws_b, tmp_path, capsys):
    for ws in (ws_a, ws_b):
        _setup(ws)
    inbound, _ = _corpus()
    path = _mbox(tmp_path, inbound * 3)  # 279 messages: a batch and a part
    assert main(["import-mail", str(path), "--workspace", "agency-a", "--jobs", "0"]) == 0
    serial = capsys.readouterr().out
    assert main(["import-mail", str(path), "--workspace", "agency-b", "--jobs", "2"]) == 0
    assert capsys.readouterr().out == serial
    assert "duplicates: 183," in serial and "quarantined: 6" in serial
    assert _canonical(ws_b) == _canonical(ws_a)


def test_negative_jobs_is_a_user_error(ws_a, tmp_path, capsys):
    inbound, _ = _corpus()
    assert main(["import-mail", str(_mbox(tmp_path, inbound[:3])), "--jobs", "-1"]) == 2
    assert "--jobs must be 0 or more" in capsys.readouterr().err


def _ledger(workspace) -> list:
    from ownup.inbox.models import Promise

    return sorted(Promise.objects.filter(workspace=workspace).values_list(
        "thread__subject", "thread__clock_started_at", "kind", "cycle", "cycle_started_at",
        "due", "met_at", "owner_id", "client_id"))


def test_promises_of_many_threads_are_those_of_each_thread(ws_a, client_a, owner, member,
                                                           director):
    """``promises_sync_many`` (the import's, a few queries for all threads) writes what
    ``promises_sync`` writes thread by thread: new promises, changed ones, and the owner
    charged by the handovers before a promise fell due."""
    from django.utils import timezone

    from ownup.inbox.models import Promise, ThreadEvent
    from ownup.inbox.promises import promises_sync, promises_sync_many
    from ownup.inbox.services.assignment import thread_assign

    inbound, _ = _corpus()
    messages_ingest(ws_a, inbound)
    threads = list(Thread.objects.filter(workspace=ws_a, client__isnull=False)
                   .order_by("created_at", "id"))
    assert len(threads) >= 10
    for i, thread in enumerate(threads[:8]):  # handovers, some before a promise fell due
        thread_assign(thread=thread, owner=[owner, member, director][i % 3], user=owner)
        if i % 2:
            thread_assign(thread=thread, owner=[member, None][i % 4 // 2], user=owner)
    ThreadEvent.objects.filter(thread__in=threads[:4]).update(
        created_at=threads[0].clock_started_at)  # owners changed before anything fell due
    for thread in threads[::3]:  # a clock met since the last sync
        Thread.objects.filter(pk=thread.pk).update(
            acknowledged_at=thread.clock_started_at + timedelta(minutes=5))
    threads = [Thread.objects.get(pk=t.pk) for t in threads]
    now = timezone.now()
    Promise.objects.filter(thread__in=threads[1::4]).delete()  # and some never written
    snapshot = list(Promise.objects.all())

    promises_sync_many([*threads, threads[0]], now)  # a thread twice is synced once
    batched = _ledger(ws_a)
    Promise.objects.all().delete()
    Promise.objects.bulk_create(snapshot)
    for thread in threads:
        promises_sync(thread, now)
    assert _ledger(ws_a) == batched
    owners = {row[7] for row in batched}
    assert {owner.pk, member.pk} <= owners  # handovers were charged
    assert any(row[6] is not None for row in batched)


def test_a_batch_costs_the_same_queries_however_many_threads(ws_a, client_a):
    """The database work of an import's batch does not grow with its messages: duplicates,
    threads, raw sources, messages and promises are each looked up and written in bulk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ownup.inbox.matching import import_run

    def mail(n: int, start: int) -> list[bytes]:
        return [_mail(sender="ellie@harbour.example", to="team@agency.example",
                      subject=f"Topic {start + k}", sent=START + timedelta(minutes=start + k),
                      message_id=f"<q{start + k}@harbour.example>",
                      body="Could you send the plan?") for k in range(n)]

    counts = []
    with import_run(ws_a):
        messages_ingest(ws_a, mail(1, 1000))  # the address map and the policy, once a run
        for n, start in ((5, 0), (40, 100)):
            with CaptureQueriesContext(connection) as queries:
                assert messages_ingest(ws_a, mail(n, start)) == ["imported"] * n
            counts.append(len(queries))
    assert counts[0] == counts[1], [q["sql"][:150] for q in queries.captured_queries]
    assert counts[1] <= 12, counts


def _promises(workspace) -> list:
    from ownup.inbox.models import Promise

    return sorted(
        (p.thread.messages.order_by("sent_at", "message_id").first().message_id, p.kind,
         p.cycle, p.cycle_started_at, p.due, p.met_at)
        for p in Promise.objects.filter(workspace=workspace).select_related("thread"))


def test_a_batch_keeps_the_promises_one_by_one_keeps(ws_a, ws_b, owner):
    """The promise ledger of a batched import is the one-by-one ledger, cycle for cycle."""
    from ownup.accounts.services import membership_set

    membership_set(workspace=ws_b, user=owner, role="owner")
    for ws in (ws_a, ws_b):
        _setup(ws)
    inbound, outbound = _corpus(seed=11)
    mail = [("inbound", raw) for raw in inbound] + [("outbound", raw) for raw in outbound]
    for direction, raw in mail:
        _one_at_a_time(ws_a, raw, direction)
    for direction in ("inbound", "outbound"):
        batch = [raw for d, raw in mail if d == direction]
        for start in range(0, len(batch), 40):
            messages_ingest(ws_b, batch[start:start + 40], direction)
    expected = _promises(ws_a)
    assert len(expected) >= 20 and any(row[5] is not None for row in expected)
    assert _promises(ws_b) == expected


def test_a_triage_done_while_parsing_still_takes_the_policys_keywords_and_vips(ws_a,
                                                                               client_a):
    """import-mail triages in its parse workers with no policy additions
    (``ParsedMessage.triage``); a client policy's keywords and VIPs still apply where the
    message is stored, and without them the stored triage is the same as triaging there."""
    from ownup.inbox.parsing import parse_or_reason
    from ownup.inbox.services.messages import _triage
    from ownup.policies.selectors import policy_for_client
    from ownup.policies.services import policy_assign, policy_create

    def mail(n: int, body: str, sender: str = "ellie@harbour.example") -> bytes:
        return _mail(sender=sender, to="team@agency.example", subject=f"Launch {n}",
                     sent=START + timedelta(minutes=n), message_id=f"<kw{n}@h.example>",
                     body=body)

    plain = [mail(1, "Could you send the plan for the launch?"),
             mail(2, "The wrong price is live on the site. Please fix asap!")]
    parsed = [parse_or_reason(raw) for raw in plain]
    assert all(p.triage is not None for p in parsed)
    policy = policy_for_client(client_a)
    assert [p.triage for p in parsed] == [
        _triage(policy, p.subject, p.new_text or p.body_text, p.sender) for p in parsed]
    assert messages_ingest(ws_a, plain, parsed=parsed) == ["imported"] * 2
    strict = policy_create(workspace=ws_a, document={
        "name": "Strict", "timezone": "Europe/London",
        "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
        "triage": {"urgent_keywords": ["plan"], "vip_contacts": ["boss@harbour.example"]}})
    policy_assign(client=client_a, policy=strict)
    more = [mail(3, "Could you send the plan for the launch?"),
            mail(4, "Thanks for the files.", sender="boss@harbour.example")]
    parsed = [parse_or_reason(raw) for raw in more]
    assert [p.triage["class"] for p in parsed] == ["routine", "routine"]
    assert messages_ingest(ws_a, more, parsed=parsed) == ["imported"] * 2
    stored = {m.message_id: m.triage for m in Message.objects.all()}
    assert stored["<kw3@h.example>"]["class"] == "urgent"
    assert "rule:urgent_keyword" in {s["label"] for s in stored["<kw3@h.example>"]["signals"]}
    assert stored["<kw4@h.example>"]["class"] == "urgent"
    assert stored["<kw1@h.example>"] == parse_or_reason(plain[0]).triage
