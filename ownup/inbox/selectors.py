"""Reads for the inbox, scoped to a workspace."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Lookup,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.core.judging import AT_RISK_SHARE, format_span, time_left  # noqa: F401
from ownup.core.policy import Policy
from ownup.policies.selectors import core_policy, core_policy_of, default_policy

from .models import Message, Quarantine, Thread, ThreadEvent, ThreadStatus


def _narrowed(qs: QuerySet[Thread], *, client: str, owner: str,
              message_class: str) -> QuerySet[Thread]:
    """The inbox's filters: a client, an owner (a person's public id, or "none" for unowned),
    a class."""
    if client:
        qs = qs.filter(client_id=client)
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner__person__uid=owner)
    if message_class:
        qs = qs.filter(message_class=message_class)
    return qs


def _with_next_due(qs: QuerySet[Thread]) -> QuerySet[Thread]:
    """The next deadline to order by (an open incident's next client update first, when one
    holds the thread). PostgreSQL's expression indexes repeat this CASE (migrations 0003,
    0015, rebuilt by 0016): change them together."""
    return qs.annotate(
        next_due=Case(
            When(answered_at__isnull=False, then=None),
        When(paused_at__isnull=False, then=None),
            When(update_due__isnull=False, then=F("update_due")),
            When(
                acknowledged_at__isnull=True, acknowledge_by__isnull=False, then=F("acknowledge_by")
            ),
            default=F("respond_by"),
            output_field=DateTimeField(),
        )
    )


def thread_list(
    *,
    workspace: Workspace,
    status: str = ThreadStatus.OPEN,
    client: str = "",
    owner: str = "",
    message_class: str = "",
) -> QuerySet[Thread]:
    """Threads of a status, the next deadline first. The default, "open", is *waiting on us*:
    matched threads whose clock runs. ``owner`` is a person's public id or "none" (unowned)."""
    qs = Thread.objects.filter(workspace=workspace).select_related(
        "client", "client__policy", "owner"
    )
    if status:
        qs = qs.filter(status=status)
    qs = _narrowed(qs, client=client, owner=owner, message_class=message_class)
    if status == ThreadStatus.OPEN:
        qs = qs.filter(client__isnull=False, respond_by__isnull=False, answered_at__isnull=True)
    return _with_next_due(qs).order_by(F("next_due").asc(nulls_last=True), "-last_message_at")


# --------------------------------------------------------------------------- the desk's views

#: The inbox's views, in the order the tabs show them: (key, label). "open" is *waiting on
#: us* (a running clock); "all" every conversation not resolved; "everything" what a search
#: looks through by default.
VIEWS = (
    ("mine", "Mine"),
    ("open", "Waiting on us"),
    ("all", "All open"),
    ("waiting_on_client", "Waiting on client"),
    ("answered", "Answered"),
    ("resolved", "Resolved"),
    ("unmatched", "Unmatched"),
    ("everything", "All conversations"),
)
VIEW_KEYS = frozenset(k for k, _ in VIEWS)
#: A count stops here: "1,000+" is as useful on a tab as the exact figure and costs a bounded
#: index scan instead of counting every resolved thread of the agency.
COUNT_CAP = 1000


def view_q(view: str, user=None) -> Q:
    """The condition of one view (``Q()`` for every thread)."""
    not_resolved = ~Q(status=ThreadStatus.RESOLVED)
    if view == "mine":
        return Q(owner=user) & not_resolved
    if view == "open":
        return Q(status=ThreadStatus.OPEN, client__isnull=False, respond_by__isnull=False,
                 answered_at__isnull=True)
    if view == "all":
        return not_resolved
    # Marking a thread answered also sets it waiting on the client, with its clock met: the
    # two views tell a paused clock (still owed an answer) from an answered thread.
    if view == "waiting_on_client":
        return Q(status=ThreadStatus.WAITING_ON_CLIENT, answered_at__isnull=True)
    if view == "answered":
        return not_resolved & Q(answered_at__isnull=False)
    if view == "resolved":
        return Q(status=ThreadStatus.RESOLVED)
    if view == "unmatched":
        return Q(client__isnull=True) & not_resolved
    return Q()


def _in_view(qs: QuerySet[Thread], view: str, user=None) -> QuerySet[Thread]:
    return qs.filter(view_q(view, user))


#: A search that matches more client messages than this is "broad": it is answered by
#: walking the threads newest first (matches are dense), not by collecting every match.
SEARCH_MATCH_LIMIT = 5000


def _match_sql(words: list[str], workspace: Workspace):
    """Thread ids of the workspace's inbound messages matching every word (a queryset on
    PostgreSQL, SQL with parameters on SQLite's FTS5)."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from ownup.core.search import fts5_match, tsquery_raw

    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(tsquery_raw(words), search_type="raw", config="english")
        return Message.objects.filter(workspace=workspace, search_vector=query).values(
            "thread_id")
    return RawSQL(
        "SELECT m.thread_id FROM inbox_message m WHERE m.workspace_id = %s AND m.rowid IN "
        "(SELECT rowid FROM inbox_message_fts WHERE inbox_message_fts MATCH %s)",
        [workspace.pk.hex, fts5_match(words)])


def search_matches(workspace: Workspace, q: str) -> tuple[list, bool]:
    """``(thread ids, complete)``: the threads matching ``q`` when at most
    SEARCH_MATCH_LIMIT messages match (complete), else ``([], False)`` (a broad search)."""
    from django.db import connection

    from ownup.core.search import query_words

    words = query_words(q)
    if not words:
        return [], True
    import hashlib

    from django.core.cache import cache

    digest = hashlib.sha256(" ".join(sorted(words)).encode()).hexdigest()[:32]
    broad_key = f"inbox-search-broad:{workspace.pk}:{digest}"
    if cache.get(broad_key):  # a word this common stays common: skip the probe a while
        return [], False
    match = _match_sql(words, workspace)
    if connection.vendor == "postgresql":
        # A bounded probe, not the planner's estimate: for a prefix query the estimate is a
        # default guess (measured: ~11,000 rows for a word in no message of a million), and
        # a rare word taken for a common one walked every thread (8 s). Unordered: which
        # matches it reads does not matter (all of them, or "broad"), and ordered by the
        # messages' date it fetched and sorted every match of a broad word before stopping
        # (a word in every message of a million: 268 ms -> 7 ms).
        rows = list(match.order_by().values_list("thread_id", flat=True)
                    [:SEARCH_MATCH_LIMIT + 1])
    else:
        sql, params = match.sql, list(match.params)
        with connection.cursor() as cursor:
            cursor.execute(sql + " LIMIT %s", [*params, SEARCH_MATCH_LIMIT + 1])
            rows = [r[0] for r in cursor.fetchall()]
    if len(rows) > SEARCH_MATCH_LIMIT:
        cache.set(broad_key, True, 600)
        return [], False
    return list(dict.fromkeys(rows)), True


def search_filter(qs: QuerySet[Thread], q: str, workspace: Workspace,
                  matches: tuple[list, bool] | None = None) -> QuerySet[Thread]:
    """Threads whose client's side matches every word of ``q`` (each as a prefix): subject,
    sender and the words of an inbound message. Text without searchable words matches none.

    Two plans, chosen on the number of matching messages rather than left to the planner's
    estimate (which cannot know how rare a prefix is): a narrow search filters on the ids
    found through the full-text index; a broad one keeps the semi-join, which the newest-first
    walk answers after a few threads."""
    from ownup.core.search import query_words

    words = query_words(q)
    if not words:
        return qs.none()
    ids, complete = matches if matches is not None else search_matches(workspace, q)
    if complete:
        return _with_ids(qs, ids)
    return qs.filter(pk__in=_match_sql(words, workspace))


def _with_ids(qs: QuerySet[Thread], ids: list) -> QuerySet[Thread]:
    """``qs.filter(pk__in=ids)``; on PostgreSQL as one array parameter (``id = ANY(%s)``).

    A search's rows and its tabs' counts each filter on its matching threads (hundreds of
    ids): as ``IN (%s, %s, ...)`` every id was prepared by the ORM and then found and
    quoted in the SQL text by the driver, ~1.2 ms of CPU a query for 450 ids (measured on
    the load benchmark's data after an import); as an array it is one parameter. The plan
    is the same (a bitmap scan of the primary key for ``= ANY('{...}'::uuid[])``)."""
    from django.db import connections

    if not ids or connections[qs.db].vendor != "postgresql":
        return qs.filter(pk__in=ids)
    return qs.filter(_AnyOf(F("pk"), list(ids)))


class _AnyOf(Lookup):
    """``column = ANY(%s)``: the right-hand side one list, passed as one array."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def desk_threads(*, workspace: Workspace, view: str = "open", user=None, q: str = "",
                 client: str = "", owner: str = "", message_class: str = "",
                 mine: bool = False, matches: tuple[list, bool] | None = None,
                 ) -> QuerySet[Thread]:
    """One view of the inbox, optionally narrowed by a search and the filters. Waiting on us
    lists the next deadline first; every other view (and any search) the newest first."""
    qs = Thread.objects.filter(workspace=workspace).select_related(
        "client", "client__policy", "owner")
    qs = _in_view(qs, view, user)
    if mine and view != "mine":
        qs = qs.filter(owner=user)
    qs = _narrowed(qs, client=client, owner=owner, message_class=message_class)
    narrow = False
    if q.strip():
        matches = matches or search_matches(workspace, q)
        narrow = matches[1]
        qs = search_filter(qs, q, workspace, matches)
    qs = _with_next_due(qs)
    if view == "open" and not q.strip():
        return qs.order_by(F("next_due").asc(nulls_last=True), "-last_message_at")
    if narrow:
        # The few matching threads by primary key, then sorted: "NULLS LAST" keeps the
        # planner off the newest-first index, whose walk would pass every thread newer than
        # the matches (measured: 300 ms for 300 matches among 200,000 threads).
        return qs.order_by(F("last_message_at").desc(nulls_last=True))
    return qs.order_by("-last_message_at")


def rows_in_order(qs: QuerySet[Thread], start: int, stop: int) -> tuple[list[Thread], bool]:
    """``(qs[start:stop], more after stop)``, read as the ids first, then those rows by key.

    For waiting on us: its ids come from an index-only walk of thread_waiting_idx (migration
    0019), which stops after ``stop`` entries. Asked for whole rows (joined to client, policy
    and owner), the planner chose between that walk and sorting every waiting thread on a
    row estimate several times too low after an import, and the choice flipped with each
    ANALYZE (0.4 ms against 13 ms)."""
    ids = list(qs.values_list("pk", flat=True)[start:stop + 1])
    more = len(ids) > stop - start
    ids = ids[:stop - start]
    by_pk = {t.pk: t for t in _with_ids(list_rows(qs.order_by()), ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk], more


def list_rows(qs: QuerySet[Thread]) -> QuerySet[Thread]:
    """``qs`` as a list's rows: each thread with its client's name and policy (id and
    version) and its owner's names as values on it (``client_name``, ``client_policy_id``,
    ``client_policy_at``, ``owner_first_name``, ``owner_last_name``, ``owner_email``), not as
    client, policy and owner objects. The same joins; a list of 50 threads built three
    objects a row only to print two names (~1.3 ms of CPU a page, measured on the load
    benchmark's data). ``PolicyCache`` reads the policy from these values."""
    return qs.select_related(None).annotate(
        client_name=F("client__name"), client_policy_id=F("client__policy_id"),
        client_policy_at=F("client__policy__updated_at"),
        owner_first_name=F("owner__first_name"), owner_last_name=F("owner__last_name"),
        owner_email=F("owner__email"))


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> int:
    """How many rows, counting no further than ``cap + 1`` (shown as "1,000+")."""
    return qs.order_by().values("pk")[: cap + 1].count()


def _capped_counts_sql(querysets: dict[str, QuerySet],
                       cap: int | None) -> tuple[str, list, str]:
    parts, params, using = [], [], "default"
    for n, qs in enumerate(querysets.values()):
        using = qs.db
        ids = qs.order_by().values("pk")
        sql, p = (ids if cap is None else ids[: cap + 1]).query.get_compiler(using).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{n})")
        params.extend(p)
    return "SELECT " + ", ".join(parts), params, using


def _fetch_counts(keys, sql: str, params: list, using: str) -> dict[str, int]:
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(keys, row, strict=True))


def capped_counts(querysets: dict[str, QuerySet], cap: int = COUNT_CAP) -> dict[str, int]:
    """``capped_count`` of each queryset in one round trip (one SELECT of scalar subqueries,
    each planned as it would be alone): the inbox's tabs are eight counts on every page."""
    if not querysets:
        return {}
    return _fetch_counts(querysets, *_capped_counts_sql(querysets, cap))


#: Stand-ins for the workspace and the person in count queries compiled once per process
#: (``_counts_of_person``): values no real row holds.
_STUB_WORKSPACE = uuid.UUID("0b5e55ed-0000-4000-8000-00000000c0de")
_STUB_USER_PK = -7_000_001
_compiled_counts: dict[tuple, tuple[tuple[str, ...], str, list, str]] = {}


def _counts_of_person(name: str, build, *, workspace: Workspace, user,
                      times: dict[str, datetime] | None = None,
                      cap: int | None = COUNT_CAP) -> dict[str, int]:
    """``capped_counts(build(workspace, user, **times))``, its SQL compiled once per process:
    built for stand-in values, whose parameters are swapped for this workspace's, person's
    and moments' at each call. Compiling the inbox's eight querysets cost ~3 ms of every
    inbox page, and only these values differ from one page to the next. ``build`` may use
    them only as filter values (``name`` tells its queries apart); ``cap`` None counts
    every row, and ``user`` None is for counts that do not depend on the person."""
    from datetime import UTC

    from django.contrib.auth import get_user_model
    from django.db import connection

    times = times or {}
    key = (name, connection.alias, connection.vendor, cap, tuple(sorted(times)))
    stub_times = {t: datetime(1971, 1, 1 + i, tzinfo=UTC) for i, t in enumerate(sorted(times))}
    compiled = _compiled_counts.get(key)
    if compiled is None:
        stub_user = get_user_model()(pk=_STUB_USER_PK)
        querysets = build(Workspace(pk=_STUB_WORKSPACE), stub_user, **stub_times)
        compiled = (tuple(querysets), *_capped_counts_sql(querysets, cap))
        _compiled_counts[key] = compiled
    keys, sql, stub_params, using = compiled
    swap = {_STUB_WORKSPACE: workspace.pk, _STUB_WORKSPACE.hex: workspace.pk.hex}
    if user is not None:
        swap[_STUB_USER_PK] = user.pk
    adapt = connection.ops.adapt_datetimefield_value  # a moment as the SQL's parameter
    swap.update({adapt(stub_times[t]): adapt(times[t]) for t in times})
    params = [swap.get(p, p) if isinstance(p, uuid.UUID | str | int | datetime) else p
              for p in stub_params]
    return _fetch_counts(keys, sql, params, using)


def waiting_count(workspace: Workspace) -> int:
    """How many threads wait on us (``thread_list``'s default), counted exactly, its SQL
    compiled once per process: the dashboard's panel says "N more" on every request, and
    compiling that count (the deadline ``CASE``, the joins) cost more than running it
    (~1 ms of CPU, on the load benchmark's data)."""
    return _counts_of_person("waiting", lambda ws, _user: {"waiting": thread_list(workspace=ws)},
                             workspace=workspace, user=None, cap=None)["waiting"]


def _views_of(workspace: Workspace, user) -> dict[str, QuerySet]:
    base = Thread.objects.filter(workspace=workspace)
    return {key: _in_view(base, key, user) for key, _ in VIEWS}


def view_counts(*, workspace: Workspace, user, q: str = "",
                matches: tuple[list, bool] | None = None) -> dict[str, int | None]:
    """Each view's count (capped), for the tabs; with ``q``, how many match in each, or
    None for every view when the search is too broad to count (more than
    SEARCH_MATCH_LIMIT client messages match: add a word)."""
    base = Thread.objects.filter(workspace=workspace)
    if q.strip():
        matches = matches or search_matches(workspace, q)
        if not matches[1]:
            return {key: None for key, _ in VIEWS}
        # At most SEARCH_MATCH_LIMIT threads: every view counted in one pass over them.
        found = search_filter(base, q, workspace, matches)
        return found.aggregate(**{key: Count("pk", filter=view_q(key, user))
                                  for key, _ in VIEWS})
    if getattr(user, "pk", None) is None:
        return capped_counts(_views_of(workspace, user))
    return _counts_of_person("views", _views_of, workspace=workspace, user=user)


def unmatched_list(*, workspace: Workspace) -> QuerySet[Thread]:
    """Threads from senders no client claims yet, newest first, with their first sender."""
    first_sender = (
        Message.objects.filter(thread=OuterRef("pk"), direction="inbound")
        .exclude(sender="")
        .order_by("sent_at")
        .values("sender")[:1]
    )
    return (
        Thread.objects.filter(workspace=workspace, client__isnull=True)
        .exclude(status=ThreadStatus.RESOLVED)
        .annotate(sender=Subquery(first_sender), message_count=Count("messages"))
        .order_by("-last_message_at")
    )


def quarantine_list(*, workspace: Workspace) -> QuerySet[Quarantine]:
    return Quarantine.objects.filter(workspace=workspace).defer("raw").order_by("-created_at")


def unmatched_count(workspace: Workspace) -> int:
    return (
        Thread.objects.filter(workspace=workspace, client__isnull=True)
        .exclude(status=ThreadStatus.RESOLVED)
        .count()
    )


def thread_detail_qs(workspace: Workspace) -> QuerySet[Thread]:
    messages = Prefetch(
        "messages",
        queryset=Message.objects.select_related("sent_by").prefetch_related("attachments")
        .order_by("sent_at", "created_at"),
    )
    return (
        Thread.objects.filter(workspace=workspace)
        .select_related("client", "client__policy", "owner")
        .prefetch_related(messages)
    )


class PolicyCache:
    """The effective policy of each client, looked up once per request."""

    def __init__(self, workspace: Workspace | None = None):
        self.workspace = workspace
        self._by_client: dict = {}
        self._default: Policy | None = None

    def _workspace_default(self, thread: Thread) -> Policy:
        if self._default is None:
            ws = self.workspace or thread.workspace
            self._default = core_policy(default_policy(ws))
        return self._default

    def __call__(self, thread: Thread) -> Policy:
        if thread.client_id is None:
            return self._workspace_default(thread)
        policy = self._by_client.get(thread.client_id)
        if policy is None:
            if "client_policy_id" in thread.__dict__:  # a list row (``list_rows``)
                policy = (core_policy_of(thread.client_policy_id, thread.client_policy_at)
                          if thread.client_policy_id else self._workspace_default(thread))
            elif thread.client.policy_id:
                policy = core_policy(thread.client.policy)
            else:
                policy = self._workspace_default(thread)
            self._by_client[thread.client_id] = policy
        return policy


def clock_state(
    thread: Thread, now: datetime | None = None, policies: PolicyCache | None = None
) -> dict:
    """The next deadline and the time left in the clock's own time (business time for a
    business clock): at risk under 25% of the span left and down to zero, breached at or past
    the deadline.
    A paused thread shows the respond time it had left."""
    now = now or timezone.now()
    state = {
        "due": None, "label": "", "left": None, "left_text": "", "overdue_text": "",
        "at_risk": False, "breached": False, "paused": False, "clock": "",
        "held": False, "held_by": "",
    }
    if thread.clocks_running and thread.is_paused:
        left = timedelta(seconds=thread.respond_remaining_seconds or 0)
        state.update(paused=True, label="respond", left=left, left_text=format_span(left))
        return state
    due = thread.next_deadline()
    if due is None:
        return state
    policies = policies or PolicyCache()
    if thread.held:
        return _held_state(thread, state, now, policies)
    policy = policies(thread)
    cls = thread.message_class if thread.message_class in policy.class_names else "routine"
    clock = policy.clock(cls)
    acknowledging = thread.acknowledged_at is None and due == thread.acknowledge_by
    result = time_left(
        clock=clock,
        now=now,
        started_at=thread.clock_started_at or thread.last_message_at,
        due=due,
        pauses=thread.pause_spans(),
    )
    state.update(
        due=due,
        label="acknowledge" if acknowledging else "respond",
        left=result.left,
        left_text=format_span(result.left),
        overdue_text=format_span(result.overdue),
        at_risk=result.at_risk,
        breached=result.breached,
        clock=policy.message_class(cls).clock,
    )
    return state


def _held_state(thread: Thread, state: dict, now: datetime, policies: PolicyCache) -> dict:
    """The clock of a thread an open incident holds: the incident's next client update, on
    the incident's clock (business time on the client's business clock, else elapsed)."""
    from ownup.core.clock import CalendarClock

    clock = (CalendarClock() if thread.update_clock == "calendar"
             else policies(thread).business_clock())
    result = time_left(clock=clock, now=now, started_at=thread.update_since or now,
                       due=thread.update_due)
    state.update(
        due=thread.update_due, label="update", held=True, held_by=thread.held_by,
        left=result.left, left_text=format_span(result.left),
        overdue_text=format_span(result.overdue), at_risk=result.at_risk,
        breached=result.breached, clock=thread.update_clock or "business",
    )
    return state


def thread_rows(threads, now: datetime | None = None, workspace=None) -> list[tuple]:
    """``(thread, clock_state)`` pairs sharing one policy cache."""
    now = now or timezone.now()
    policies = PolicyCache(workspace)
    return [(t, clock_state(t, now, policies)) for t in threads]


def thread_events(thread: Thread) -> QuerySet[ThreadEvent]:
    return ThreadEvent.objects.filter(thread=thread).select_related("actor")


def workspace_people(workspace: Workspace) -> list:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(memberships__workspace=workspace)
        .select_related("person")
        .order_by("first_name", "email")
    )


def people_choices(workspace: Workspace) -> list[tuple[str, int, str]]:
    """``(public id, user pk, name)`` of the workspace's people, in ``workspace_people``'s
    order, for the owner pickers and filters: one row of plain values a person (the list
    pages ran it on every request, and building a user and a person object each cost more
    than the query)."""
    from django.contrib.auth import get_user_model

    rows = (get_user_model().objects.filter(memberships__workspace=workspace)
            .order_by("first_name", "email")
            .values_list("person__uid", "pk", "first_name", "last_name", "email"))
    # The name as User.get_full_name() gives it, else the address.
    return [(str(uid), pk, f"{first} {last}".strip() or email)
            for uid, pk, first, last, email in rows]


def reply_deliveries(thread: Thread, messages: list[Message]) -> dict:
    """How each reply sent from ownup fared, from its outbox row: ``{message pk: {"state":
    queued|sending|sent|retrying|dead, "to": names, "at", "error"}}``. Recipients are named
    as the client's contacts where known ("Ellie Moss"), else by address."""
    from ownup.notify.models import OutboxEmail

    from .services.replies import reply_outbox_key

    keys = {reply_outbox_key(m.message_id): m for m in messages
            if m.direction == "outbound" and m.message_id and m.sent_by_id}
    if not keys:
        return {}
    from ownup.notify.outbox import delivery_problem

    rows = list(OutboxEmail.objects.filter(idempotency_key__in=list(keys)))
    names = {}
    if rows and thread.client_id:  # the contacts' names only when there is a row to name
        names = {e.lower(): n for e, n in thread.client.contacts.values_list("email", "name")
                 if n}
    out = {}
    for row in rows:
        msg = keys[row.idempotency_key]
        to = ", ".join(names.get(a.lower(), a) for a in row.to)
        state = row.status
        if state == "queued" and row.attempts and row.last_error:
            state = "retrying"
        out[msg.pk] = {"state": state, "to": to, "at": row.sent_at or row.due_at,
                       "error": delivery_problem(row.last_error), "attempts": row.attempts}
    return out


#: "About to fall due": a running clock whose next deadline is within this many hours.
DUE_SOON_HOURS = 4


def _mine(workspace: Workspace, user) -> QuerySet[Thread]:
    """The threads ``user`` owns that are not resolved, with their next deadline."""
    return _with_next_due(_in_view(Thread.objects.filter(workspace=workspace), "mine", user))


def _my_work_counts(workspace: Workspace, user, *, now: datetime,
                    soon: datetime) -> dict[str, QuerySet]:
    """The dashboard's four counts of a person's threads: one round trip, each a range of
    thread_my_due_idx."""
    mine = _mine(workspace, user)
    running = mine.filter(next_due__isnull=False)
    return {
        "owned": mine,
        "running": running,
        "breached": running.filter(next_due__lte=now),
        "due_soon": running.filter(next_due__gt=now, next_due__lte=soon),
    }


def my_work(*, workspace: Workspace, user, limit: int = 10) -> dict:
    """What ``user`` owns that is not resolved: counts (owned, waiting on us, breached, due
    within DUE_SOON_HOURS) and the first rows by next deadline."""
    now = timezone.now()
    running = _mine(workspace, user).filter(next_due__isnull=False)
    rows = list(list_rows(running).order_by("next_due")[:limit])
    counts = _counts_of_person("my_work", _my_work_counts, workspace=workspace, user=user,
                               times={"now": now,
                                      "soon": now + timedelta(hours=DUE_SOON_HOURS)})
    return {
        **counts,
        "rows": thread_rows(rows, now, workspace),
        "due_soon_hours": DUE_SOON_HOURS,
    }


def breach_counts(*, workspace: Workspace, since: datetime,
                  also: dict[str, QuerySet] | None = None) -> dict:
    """Promises broken: replies judged late since ``since``, and threads breached right now
    (a running clock past its deadline)."""
    now = timezone.now()
    late = Message.objects.filter(workspace=workspace, verdict="late", sent_at__gte=since)
    breached = _with_next_due(_in_view(Thread.objects.filter(workspace=workspace), "open"))
    return capped_counts({"late_replies": late,
                          "breached_now": breached.filter(next_due__lte=now),
                          **(also or {})})  # ``also``: more counts in the same round trip
