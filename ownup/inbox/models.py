"""Client threads, their messages, and mail that could not be stored (quarantine)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from ownup.accounts.models import Workspace
from ownup.public_ids import public_id_field


class MessageClass(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    EMERGENCY = "emergency", "Emergency"


class Mood(models.TextChoices):
    """How the client sounds in their latest message (ownup.core.triage.MOODS)."""

    CALM = "calm", "Calm"
    CONCERNED = "concerned", "Concerned"
    UPSET = "upset", "Upset"
    ANGRY = "angry", "Angry"


class ThreadStatus(models.TextChoices):
    OPEN = "open", "Waiting on us"
    WAITING_ON_CLIENT = "waiting_on_client", "Waiting on client"
    RESOLVED = "resolved", "Resolved"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class ReplyVerdict(models.TextChoices):
    NOT_JUDGED = "", "Not judged"
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"


class ThreadEventKind(models.TextChoices):
    CLASSIFIED = "classified", "Reclassified"
    ASSIGNED = "assigned", "Owner changed"
    STATUS = "status", "Status changed"
    CLIENT = "client", "Client assigned"


class MessageChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    MEETING = "meeting", "Meeting"
    CHAT = "chat", "Chat"
    SOCIAL = "social", "Social"


class Thread(models.Model):
    """A conversation with a client (client is null while the sender is unmatched).

    The clocks (acknowledge_by, respond_by) run from the first unanswered inbound message.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="threads")
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    subject = models.CharField(max_length=998, blank=True)
    normalized_subject = models.CharField(max_length=500, blank=True)
    message_class = models.CharField(
        max_length=16, choices=MessageClass.choices, default=MessageClass.ROUTINE
    )
    class_overridden = models.BooleanField(default=False)
    mood = models.CharField(max_length=16, choices=Mood.choices, default=Mood.CALM)
    status = models.CharField(
        max_length=20, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_threads",
    )
    acknowledge_by = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True, db_index=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)  # for the at-risk share
    #: Counts the clock cycles (one per client message that starts a clock): names the
    #: promises (``Promise.cycle``) of each cycle, however close together they start.
    clock_cycle = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # "Waiting on client" pauses the respond clock: when it started, the business time that
    # was left, and every pause so far as [start, end] ISO strings (end null while paused).
    paused_at = models.DateTimeField(null=True, blank=True)
    respond_remaining_seconds = models.IntegerField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    #: While an open incident holds the thread (``services.hold.thread_hold``): the client's
    #: next update due on the incident's cadence (the promise the thread is held to), when
    #: that cadence period began (the last client update, else detection), the clock it runs
    #: on ("business" / "calendar") and the incident's title. Null / "": no hold.
    update_due = models.DateTimeField(null=True, blank=True)
    update_since = models.DateTimeField(null=True, blank=True)
    update_clock = models.CharField(max_length=12, blank=True)
    held_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["workspace", "normalized_subject"], name="thread_subject_idx"),
            models.Index(fields=["workspace", "status", "respond_by"], name="thread_due_idx"),
            # The few threads an open incident holds (the scans look at them every pass).
            models.Index(fields=["update_due"], name="thread_held_idx",
                         condition=models.Q(update_due__isnull=False)),
            # The inbox views list newest first: all, by status, and the unmatched queue.
            models.Index(fields=["workspace", "-last_message_at"], name="thread_recent_idx"),
            models.Index(fields=["workspace", "status", "-last_message_at"],
                         name="thread_status_recent_idx"),
            # Unmatched and not resolved: the queue and its count (an index-only count; with
            # resolved ones in the index the count joined 30,000 of the "mine" index's rows).
            models.Index(fields=["workspace", "-last_message_at"], name="thread_unmatched_idx",
                         condition=models.Q(client__isnull=True) & ~models.Q(status="resolved")),
            models.Index(fields=["workspace", "-last_message_at"], name="thread_answered_idx",
                         condition=models.Q(answered_at__isnull=False)
                         & ~models.Q(status="resolved")),
            # "Mine" and the dashboard's own work: a person's unresolved threads (a few
            # hundred) without visiting every thread they ever owned (thousands).
            models.Index(fields=["owner", "-last_message_at"], name="thread_mine_idx",
                         condition=~models.Q(status="resolved")),
            # The worker's scans (ownup.inbox.jobs) read only running clocks: small partial
            # indexes keep an idle poll cheap however many threads are stored.
            models.Index(
                fields=["acknowledge_by"], name="thread_ack_due_idx",
                condition=models.Q(status="open", answered_at__isnull=True,
                                   acknowledged_at__isnull=True),
            ),
            models.Index(
                fields=["respond_by"], name="thread_respond_due_idx",
                condition=models.Q(status="open", answered_at__isnull=True,
                                   respond_by__isnull=False),
            ),
            models.Index(
                fields=["last_message_at"], name="thread_emergency_idx",
                condition=models.Q(status="open", answered_at__isnull=True,
                                   message_class="emergency"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(message_class__in=MessageClass.values),
                name="thread_class_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ThreadStatus.values), name="thread_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mood__in=Mood.values), name="thread_mood_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.subject or "(no subject)"

    @property
    def clocks_running(self) -> bool:
        return self.respond_by is not None and self.answered_at is None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def pause_spans(self) -> list[tuple]:
        """The pauses as aware ``(start, end)`` pairs; an open pause ends now."""
        from datetime import datetime

        from django.utils import timezone

        out = []
        for start, end in self.pauses or []:
            a = datetime.fromisoformat(start)
            b = datetime.fromisoformat(end) if end else timezone.now()
            if b > a:
                out.append((a, b))
        return out

    @property
    def held(self) -> bool:
        """An open incident holds the thread to its update cadence (``update_due``)."""
        return self.update_due is not None

    def next_deadline(self):
        """The next deadline still to meet: while an open incident holds the thread, the
        incident's next client update; else acknowledge-by until acknowledged, then
        respond-by."""
        if not self.clocks_running or self.is_paused:
            return None
        if self.update_due is not None:
            return self.update_due
        if self.acknowledged_at is None and self.acknowledge_by is not None:
            return self.acknowledge_by
        return self.respond_by


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="messages")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    channel = models.CharField(
        max_length=10, choices=MessageChannel.choices, default=MessageChannel.EMAIL
    )
    message_id = models.CharField(max_length=998, null=True, blank=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    sender = models.CharField(max_length=320, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    sent_at = models.DateTimeField()
    body_text = models.TextField(blank=True)  # every text part, in order
    #: The sender's new words: no quoted history, no signature (ownup.inbox.quoting); what
    #: triage, tone and search read. Empty when nothing new was found (a bare forward).
    new_text = models.TextField(blank=True)
    body_html_sanitized = models.TextField(blank=True)
    is_auto_reply = models.BooleanField(default=False)
    triage = models.JSONField(default=dict, blank=True)
    parse_warnings = models.JSONField(default=list, blank=True)
    # The judgement of a human outbound reply, made when it is recorded (see core.judging).
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sent_messages",
    )
    verdict = models.CharField(
        max_length=10, choices=ReplyVerdict.choices, default=ReplyVerdict.NOT_JUDGED, blank=True
    )
    late_by_seconds = models.IntegerField(null=True, blank=True)
    off_hours = models.BooleanField(default=False)
    acknowledges = models.BooleanField(default=False)
    ack_seconds = models.IntegerField(null=True, blank=True)
    answers = models.BooleanField(default=False)
    respond_seconds = models.IntegerField(null=True, blank=True)
    tone_check = models.JSONField(default=dict, blank=True)
    #: PostgreSQL full-text search over an inbound message's subject, sender and the client's
    #: words, kept by a trigger (migration 0006; SQLite keeps the FTS5 table inbox_message_fts).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    #: The raw RFC 822 source (RawMessage) this message was parsed from; "" when typed in.
    raw_sha256 = models.CharField(max_length=64, blank=True)
    #: Sender, subject, text and files (ownup.inbox.parsing.content_digest): one Message-ID
    #: with other content is another message, kept beside the first.
    content_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "created_at"]
        indexes = [
            models.Index(fields=["raw_sha256"], name="message_raw_idx"),
            # The director's "late replies this week" without reading every message.
            models.Index(fields=["workspace", "sent_at"], name="message_late_idx",
                         condition=models.Q(verdict="late")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "message_id", "content_sha256"],
                condition=models.Q(message_id__isnull=False),
                name="message_id_content_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="message_direction_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=MessageChannel.values),
                name="message_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=ReplyVerdict.values), name="message_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.subject or '(no subject)'}"

    @property
    def shows_history_apart(self) -> bool:
        """The page shows the new words first and the rest (quoted history, signature,
        forwarded mail) collapsed beneath."""
        return bool(self.new_text.strip()) and self.new_text.strip() != self.body_text.strip()

    @property
    def late_by_text(self) -> str:
        from datetime import timedelta

        from ownup.core.judging import format_span

        return format_span(timedelta(seconds=self.late_by_seconds or 0))


class ThreadEvent(models.Model):
    """Audit rows of what a person changed on a thread: who, when, from what to what."""
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=16, choices=ThreadEventKind.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ThreadEventKind.values),
                name="thread_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_value} -> {self.to_value}"


class Quarantine(models.Model):
    """Raw mail that could not be stored, kept with the reason: nothing is dropped."""
    #: The id in URLs and API bodies (the integer pk never leaves the database).
    uid = public_id_field()

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="quarantine")
    reason = models.TextField()
    raw = models.BinaryField()
    size = models.IntegerField(default=0)  # bytes of raw, for the quarantine page
    #: Of raw: the same bad file imported again is held once.
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "sha256"], name="quarantine_sha_idx")]

    def __str__(self) -> str:
        return self.reason[:80]

    def save(self, *args, **kwargs):
        self.size = len(self.raw or b"")
        super().save(*args, **kwargs)


class RawMessage(models.Model):
    """The raw source of stored mail, zlib-compressed and addressed by the SHA-256 of the
    uncompressed bytes (the same message delivered twice is kept once), so that a better
    parser can re-read old mail (``ownup reparse``). In the database, not in files: it is
    written in the same transaction as its message (no fsync per file, no orphans) and
    travels with backups."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField()  # uncompressed bytes
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256

    def raw(self) -> bytes:
        import zlib

        return zlib.decompress(bytes(self.data))


class Attachment(models.Model):
    """A file that came with a message. Content is stored once per content hash under
    MEDIA_ROOT; a file over the size limit keeps its row (name, type, size) with the reason
    it was not stored, so nobody wonders where it went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)  # under MEDIA_ROOT; "" if not stored
    not_stored_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "filename"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(path="") | ~models.Q(not_stored_reason=""),
                name="attachment_stored_or_explained",
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def stored(self) -> bool:
        return bool(self.path)


class PromiseKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    RESPOND = "respond", "Respond"


class Promise(models.Model):
    """One promise a thread's clock made (``ownup.core.promises``): to acknowledge or to
    respond by ``due``, met at ``met_at``; charged to ``owner``, who owned the thread when it
    fell due (or was met). Kept in step with the thread by ``inbox.promises.promises_sync``;
    every on-time figure counts these rows."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="promises")
    client = models.ForeignKey("clients.Client", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=PromiseKind.choices)
    cycle = models.PositiveIntegerField(default=0)
    cycle_started_at = models.DateTimeField()
    due = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "kind", "cycle"],
                                    name="promise_one_per_cycle"),
            models.CheckConstraint(condition=models.Q(kind__in=PromiseKind.values),
                                   name="promise_kind_valid"),
        ]
        indexes = [models.Index(fields=["workspace", "due"], name="promise_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.due} on {self.thread_id}"
