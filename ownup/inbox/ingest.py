"""Raw mail into the inbox: one message (IMAP, a single .eml) or a batch (``import-mail``).

Nothing is lost: whatever cannot be stored goes to Quarantine with the reason, and a
database that goes away leaves the mail unprocessed (the error propagates). A batch is
decided in memory — duplicates found with one query, threads resolved from two queries
plus the batch's own earlier messages, triage and clocks computed by the same
``message_prepare`` as a single message — and written with a few bulk statements, so an
import costs a handful of queries per batch instead of several per message. If anything
in a batch fails, the batch is rolled back and taken again one message at a time, which
isolates the failure to the message that caused it.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.bulk import insert_rows

from .attachments import attachments_store
from .models import Direction, Message, MessageChannel, Quarantine, RawMessage, Thread
from .parsing import ParsedMessage, normalize_subject, parse_or_reason
from .promises import PromiseBook
from .services.messages import SUBJECT_WINDOW, match_client, message_prepare

OUTCOMES = ("imported", "duplicate", "unmatched", "quarantined")
#: Thread columns that taking in mail can change (a batch updates exactly these).
THREAD_INGEST_FIELDS = [
    "client", "last_message_at", "mood", "message_class", "status", "resolved_at",
    "acknowledge_by", "respond_by", "clock_started_at", "acknowledged_at", "answered_at",
    "paused_at", "respond_remaining_seconds", "pauses", "clock_cycle",
]
IN_CHUNK = 500  # values per IN (...) list: well inside every backend's parameter limit
NO_SENDER = "no sender address (the From header is missing or unreadable)"
SAME_ID_OTHER_CONTENT = ("another message with this Message-ID is stored with other content "
                         "(sender, subject, text or files); both are kept")


def _quarantine(workspace: Workspace, raw: bytes, reason: str) -> str:
    """Hold ``raw`` with the reason; the same message already held is not held again
    (line ends aside: an mbox and a Maildir give one file's bytes slightly differently)."""
    digest = _held_digest(raw)
    if not Quarantine.objects.filter(workspace=workspace, sha256=digest).exists():
        Quarantine.objects.create(workspace=workspace, raw=raw, reason=reason[:2000],
                                  sha256=digest)
    return "quarantined"


def _held_digest(raw: bytes) -> str:
    return hashlib.sha256(raw.replace(b"\r\n", b"\n").rstrip(b"\n")).hexdigest()


def _check_direction(direction: str) -> None:
    if direction not in Direction.values:
        raise ValueError(f"direction must be inbound or outbound, not {direction!r}")


def message_ingest(workspace: Workspace, raw: bytes, direction: str = "inbound") -> str:
    """Store one raw RFC 822 message; the outcome is one of OUTCOMES."""
    return messages_ingest(workspace, [raw], direction=direction)[0]


class AlreadyStored:
    """In place of a parse: this raw message (by SHA-256) is already stored, so it is a
    duplicate without being parsed (``raws_known``)."""


ALREADY_STORED = AlreadyStored()


def raws_known(workspace: Workspace, raws: Sequence[bytes]) -> list[bool]:
    """Which of ``raws`` are stored already, byte for byte (one query per chunk): a re-import
    need not parse them."""
    digests = [hashlib.sha256(raw).hexdigest() for raw in raws]
    known: set[str] = set()
    for chunk in _chunks(set(digests)):
        known.update(Message.objects.filter(workspace=workspace, raw_sha256__in=chunk)
                     .values_list("raw_sha256", flat=True))
    return [d in known for d in digests]


def message_ingest_one(workspace: Workspace, raw: bytes, direction: str = "inbound"
                       ) -> tuple[str, Message | None, str]:
    """``message_ingest`` that also gives the message stored (or the one it duplicates) and,
    for a quarantined message, the reason (the API's raw ``message/rfc822`` door)."""
    parsed = parse_or_reason(raw)
    outcome = messages_ingest(workspace, [raw], direction, [parsed])[0]
    if outcome == "quarantined":
        reason = parsed if isinstance(parsed, str) else NO_SENDER
        held = Quarantine.objects.filter(workspace=workspace, sha256=_held_digest(raw)).first()
        return outcome, None, held.reason if held is not None else reason
    msg = Message.objects.filter(workspace=workspace, message_id=parsed.message_id,
                                 content_sha256=parsed.content_sha256).first()
    return outcome, msg, ""


def messages_ingest(workspace: Workspace, raws: Sequence[bytes], direction: str = "inbound",
                    parsed: Sequence[ParsedMessage | str | AlreadyStored] | None = None
                    ) -> list[str]:
    """Store raw RFC 822 messages in order; the outcome of each, one of OUTCOMES.

    The result is the same as storing them one by one with ``message_ingest``. ``parsed``:
    ``parse_or_reason`` of each raw message, when already done (by worker processes).
    """
    _check_direction(direction)
    if not raws:
        return []
    if parsed is None:
        parsed = [parse_or_reason(raw) for raw in raws]
    try:
        with transaction.atomic():
            return _Batch(workspace, direction).run(raws, parsed)
    except (OperationalError, InterfaceError):
        raise  # the database is away: leave the mail unprocessed for the next attempt
    except Exception as exc:  # noqa: BLE001 - never drop mail
        if len(raws) > 1:  # find the message that failed: take the batch one by one
            return [messages_ingest(workspace, [raw], direction, [one])[0]
                    for raw, one in zip(raws, parsed, strict=True)]
        return [_failed(workspace, raws[0], parsed[0], exc)]


def _failed(workspace: Workspace, raw: bytes, parsed: ParsedMessage | str,
            exc: Exception) -> str:
    if isinstance(exc, IntegrityError):
        message_id = parsed.message_id if isinstance(parsed, ParsedMessage) else ""
        if message_id and Message.objects.filter(
            workspace=workspace, message_id=message_id, content_sha256=parsed.content_sha256
        ).exists():
            return "duplicate"  # stored meanwhile by a concurrent import
        return _quarantine(workspace, raw, "the database refused the message")
    return _quarantine(workspace, raw, f"{type(exc).__name__}: {exc}")


def _chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class _Item:
    raw: bytes
    parsed: ParsedMessage
    sent_at: datetime
    warnings: list[str]


class _Batch:
    """One batch of raw mail for one workspace, decided in memory, then written at once."""

    def __init__(self, workspace: Workspace, direction: str):
        self.workspace = workspace
        self.direction = direction
        self.threads: dict[object, Thread] = {}  # pk -> the one Thread object this batch uses
        self.by_subject: dict[str, list[Thread]] = {}  # normalised subject -> threads
        self.by_message_id: dict[str, tuple[datetime, Thread]] = {}  # referenced messages
        self.new_threads: list[Thread] = []
        self.changed: dict[object, Thread] = {}
        self.messages: list[tuple[Message, ParsedMessage]] = []
        self.raws: dict[str, tuple[bytes, bytes]] = {}  # sha256 -> (raw, compressed) stored
        self.promises = PromiseBook()  # every clock cycle the batch moves a thread through

    def run(self, raws: Sequence[bytes], parsed: Sequence[ParsedMessage | str]) -> list[str]:
        outcomes: list[str | None] = [None] * len(raws)
        items: dict[int, _Item] = {}
        for i, (raw, one) in enumerate(zip(raws, parsed, strict=True)):
            if isinstance(one, AlreadyStored):
                outcomes[i] = "duplicate"
            elif isinstance(one, str):  # could not be parsed: the reason
                outcomes[i] = _quarantine(self.workspace, raw, one)
            else:
                items[i] = _Item(raw, one, one.sent_at, list(one.warnings))
        stored = self._stored_ids(items.values())
        for i, item in list(items.items()):
            key = (item.parsed.message_id, item.parsed.content_sha256)
            if key in stored:  # stored before, or earlier in the batch
                outcomes[i] = "duplicate"
                del items[i]
            elif not item.parsed.sender:
                outcomes[i] = _quarantine(self.workspace, item.raw, NO_SENDER)
                del items[i]
            else:
                if any(found == key[0] for found, _ in stored):
                    item.warnings.append(SAME_ID_OTHER_CONTENT)
                stored.add(key)
                if item.sent_at is None:
                    item.sent_at = timezone.now()
                    item.warnings.append("no usable Date; the import time was used")
        self._load_threads(items.values())
        for i, item in items.items():
            outcomes[i] = self._take(item)
        self._write()
        return outcomes

    def _stored_ids(self, items: Iterable[_Item]) -> set[tuple[str, str]]:
        """(Message-ID, content digest) of what is stored under the batch's Message-IDs
        (one query per chunk)."""
        ids = {item.parsed.message_id for item in items if item.parsed.message_id}
        stored: set[tuple[str, str]] = set()
        for chunk in _chunks(ids):
            stored.update(
                Message.objects.filter(workspace=self.workspace, message_id__in=chunk)
                .values_list("message_id", "content_sha256")
            )
        return stored

    def _keep(self, thread: Thread) -> Thread:
        """The batch's one object for this thread (a thread found twice is the same object)."""
        known = self.threads.get(thread.pk)
        if known is not None:
            return known
        self.threads[thread.pk] = thread
        if thread.normalized_subject:
            self.by_subject.setdefault(thread.normalized_subject, []).append(thread)
        return thread

    def _load_threads(self, items: Iterable[_Item]) -> None:
        """The threads this batch can join: those holding a referenced message, and those
        with one of its subjects active inside the subject window."""
        items = list(items)
        if not items:
            return
        refs = {r for item in items for r in (item.parsed.in_reply_to, *item.parsed.references)
                if r}
        found: list[tuple[str, datetime, object]] = []
        for chunk in _chunks(refs):
            found.extend(
                Message.objects.filter(workspace=self.workspace, message_id__in=chunk)
                .values_list("message_id", "sent_at", "thread_id")
            )
        subjects = {normalize_subject(item.parsed.subject) for item in items} - {""}
        since = min(item.sent_at for item in items) - SUBJECT_WINDOW
        wanted = {thread_id for _, _, thread_id in found}
        for chunk in _chunks(wanted):
            for thread in Thread.objects.filter(pk__in=chunk).select_related("client"):
                self._keep(thread)
        for chunk in _chunks(subjects):
            for thread in Thread.objects.filter(
                workspace=self.workspace, normalized_subject__in=chunk,
                last_message_at__gte=since,
            ).select_related("client"):
                self._keep(thread)
        for message_id, sent_at, thread_id in found:
            self.by_message_id[message_id] = (sent_at, self.threads[thread_id])

    def _find_thread(self, item: _Item, client) -> Thread | None:
        """``services.find_thread`` over what this batch holds."""
        parsed = item.parsed
        ids = [i for i in (parsed.in_reply_to, *reversed(parsed.references)) if i]
        earlier = [self.by_message_id[i] for i in ids if i in self.by_message_id]
        if earlier:
            return max(earlier, key=lambda found: found[0])[1]
        subject = normalize_subject(parsed.subject)
        if not subject:
            return None
        client_id = client.pk if client is not None else None
        since = item.sent_at - SUBJECT_WINDOW
        candidates = [
            t for t in self.by_subject.get(subject, ())
            if t.client_id == client_id and t.last_message_at >= since
        ]
        return max(candidates, key=lambda t: t.last_message_at, default=None)

    def _take(self, item: _Item) -> str:
        parsed = item.parsed
        inbound = self.direction == Direction.INBOUND
        client = match_client(self.workspace, [parsed.sender] if inbound else parsed.recipients)
        thread = self._find_thread(item, client)
        thread, msg = message_prepare(
            workspace=self.workspace,
            client=client,
            thread=thread,
            direction=self.direction,
            channel=MessageChannel.EMAIL,
            message_id=parsed.message_id,
            in_reply_to=parsed.in_reply_to,
            references=parsed.references,
            sender=parsed.sender,
            recipients=parsed.recipients,
            subject=parsed.subject,
            sent_at=item.sent_at,
            body_text=parsed.body_text,
            new_text=parsed.new_text,
            raw_sha256=parsed.raw_sha256,
            content_sha256=parsed.content_sha256,
            body_html=parsed.body_html,
            is_auto_reply=parsed.is_auto_reply,
            parse_warnings=item.warnings,
            answered=False,
            base_triage=parsed.triage,
        )
        self.raws[parsed.raw_sha256] = (item.raw, parsed.raw_zlib)
        self.promises.note(thread)
        if thread._state.adding:
            if thread.pk not in self.threads:
                self.new_threads.append(thread)
                self._keep(thread)
        else:
            self.changed[thread.pk] = thread
        if parsed.message_id:
            self.by_message_id[parsed.message_id] = (item.sent_at, thread)
        self.messages.append((msg, parsed))
        return "imported" if client is not None else "unmatched"

    def _write(self) -> None:
        raws_store(self.raws)
        insert_rows(Thread, self.new_threads)
        insert_rows(Message, [msg for msg, _ in self.messages])
        if self.changed:
            Thread.objects.bulk_update(list(self.changed.values()), THREAD_INGEST_FIELDS)
        self.promises.write()
        for msg, parsed in self.messages:
            if parsed.attachments:
                attachments_store(message=msg, items=parsed.attachments)


#: An import of at least this many messages refreshes the planner's statistics at its end.
ANALYZE_AFTER = 1000


def statistics_refresh() -> None:
    """VACUUM and ANALYZE the tables a bulk import grew. Autovacuum re-analyses a table only
    once a tenth of it changed, and vacuums it after inserts only once a fifth did, so after
    importing 2% more mail the planner still believed, say, that no thread was unmatched,
    and the pages the import wrote stayed out of the visibility map: every index-only scan
    of the inbox's counts (the new threads are the ones waiting on us, the first the counts
    reach) went back to the table for each row (measured: 618 buffers instead of 4 for the
    "waiting on us" count), and each search read the full-text index's pending list.
    VACUUM cannot run inside a transaction: there (tests, callers' atomic blocks) only
    ANALYZE runs."""
    from django.db import connection

    tables = ("inbox_thread", "inbox_message", "inbox_promise")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "VACUUM (ANALYZE)" if not connection.in_atomic_block else "ANALYZE"
            cursor.execute(f"{command} {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def raws_store(raws: dict[str, tuple[bytes, bytes]]) -> None:
    """Keep raw sources (sha256 -> (raw, zlib-compressed raw or b"")); those already kept
    are not written again."""
    if not raws:
        return
    have: set[str] = set()
    for chunk in _chunks(raws):
        have.update(RawMessage.objects.filter(sha256__in=chunk).values_list("sha256", flat=True))
    # insert_rows: a fifth of bulk_create's cost. A raw source stored meanwhile by a
    # concurrent import is the same message: the batch is retried one by one and each
    # message found a duplicate.
    now = timezone.now()
    insert_rows(RawMessage, [
        RawMessage(sha256=digest, data=packed or zlib.compress(raw, 6), size=len(raw),
                   created_at=now)
        for digest, (raw, packed) in raws.items() if digest not in have])
