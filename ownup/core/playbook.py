"""The incident playbook as a pure state machine (seeds 000, 002, 003, 004).

An incident is an immutable :class:`IncidentFacts`. Every transition is a pure function that
validates its input and returns ``(new_facts, events)``; the Django layer stores the facts,
appends the events to the incident's timeline and turns ``notify`` events into notifications.
Nothing here waits for a director: the optional override to close is the only director action.

Rules in one place:

* Steps may be recorded in any order (reality: the client rang first). A closed incident
  refuses new records until it is reopened.
* Recording ``informed`` again *appends* (an email first, then the call); recording any other
  step again *replaces* the earlier record (the earlier one stays in the timeline).
* ``informed`` counts as done only with a phone call or meeting when the severity requires a
  call or the incident was unforeseen; otherwise any channel will do.
* ``close`` needs every step in ``severity.required_steps`` done, unless a director or owner
  gives a written reason.
* Evidence times may not precede detection, nor lie in the future (beyond a small tolerance for
  clocks that disagree), relative to the recording time ``at``.

Roles named here: ``"team"`` (the people working the incident, always notified),
``"director"`` and ``"owner"`` (the agency's owner) — the latter two may override a close.
Blameless by construction: no type here has a field naming a person as the cause; the only
people named are participants, the owner of a prevention measure and the actor's *role*.

The steps and severities (configuration) live in ``ownup.core.severities`` and are re-exported
here, so ``from ownup.core.playbook import Severity, Step`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, Protocol

# Re-exported: the playbook's configuration is part of its public API.
from ownup.core.clock import CalendarClock
from ownup.core.severities import (  # noqa: F401
    _MIDDLE_STEPS,
    CLOCKS,
    DEFAULT_SEVERITIES,
    STEP_ORDER,
    PlaybookConfigError,
    PlaybookError,
    Severity,
    Step,
    format_duration,
    load_severities,
    parse_duration,
    severities_from_dict,
    severities_to_dict,
)

__all__ = [
    "AdjustedDate",
    "CALENDAR",
    "CALL_CHANNELS",
    "CHANNELS",
    "ChecklistItem",
    "Clock",
    "Closed",
    "DEFAULT_SEVERITIES",
    "Event",
    "EventKind",
    "FUTURE_TOLERANCE",
    "Fixed",
    "Huddle",
    "IncidentFacts",
    "Informed",
    "OVERRIDE_ROLES",
    "Owned",
    "PlanAgreed",
    "PlaybookConfigError",
    "PlaybookError",
    "PreventionMeasure",
    "Prevented",
    "Responsibility",
    "RESPONSIBILITY_TITLES",
    "Reviewed",
    "STEP_HELP",
    "STEP_ORDER",
    "STEP_TITLES",
    "Severity",
    "SolutionOption",
    "Step",
    "TEAM_ROLE",
    "can_close",
    "change_severity",
    "checklist",
    "close",
    "correct_facts",
    "format_duration",
    "is_done",
    "load_severities",
    "metrics",
    "missing_steps",
    "next_step",
    "next_update_due",
    "open_incident",
    "parse_duration",
    "phone_call_needed",
    "record_step",
    "reopen",
    "severities_from_dict",
    "severities_to_dict",
    "stalled",
]

# --------------------------------------------------------------------------- steps (wording)

STEP_TITLES: Mapping[Step, str] = {
    Step.OPEN: "Suspected / open",
    Step.INFORMED: "Client informed",
    Step.HUDDLED: "Team huddle",
    Step.OWNED: "Owned",
    Step.PLAN_AGREED: "Plan agreed",
    Step.FIXED: "Fixed",
    Step.PREVENTED: "Prevented",
    Step.REVIEWED: "Reviewed",
    Step.CLOSED: "Closed",
}

STEP_HELP: Mapping[Step, str] = {
    Step.OPEN: "Log it as soon as it is suspected — the earlier it is raised, the less it "
    "escalates.",
    Step.INFORMED: "Tell the client early — for big or unforeseen problems, pick up the phone.",
    Step.HUDDLED: "Huddle quickly before the call and come with solutions: what, cost, time, risk.",
    Step.OWNED: "Own up: admit our share and apologise sincerely — no excuses, no scapegoats.",
    Step.PLAN_AGREED: "Be realistic: agree the plan, set defined goals and adjusted timelines — "
    "don't over-promise.",
    Step.FIXED: "Show the fix: what has been fixed, or how and when it will be.",
    Step.PREVENTED: "Prevent it happening again: a measure with an owner and a due date closes "
    "the issue.",
    Step.REVIEWED: "Post-mortem: key learnings and what we could do better. Blameless — the "
    "team failed and the team fixes it.",
    Step.CLOSED: "Close with a message to the client: what was fixed and what changes from now on.",
}


class Responsibility(StrEnum):
    """Whose share the problem was (explained with a sentence); never a person."""

    OURS = "ours"
    SHARED = "shared"
    THIRD_PARTY = "third_party"
    CLIENT = "client"


RESPONSIBILITY_TITLES: Mapping[Responsibility, str] = {
    Responsibility.OURS: "Ours",
    Responsibility.SHARED: "Shared",
    Responsibility.THIRD_PARTY: "A third party",
    Responsibility.CLIENT: "The client",
}

TEAM_ROLE = "team"
OVERRIDE_ROLES: frozenset[str] = frozenset({"director", "owner"})
FUTURE_TOLERANCE = timedelta(minutes=5)

# --------------------------------------------------------------------------- evidence

Channel = Literal["email", "phone", "meeting"]
CHANNELS: tuple[str, ...] = ("email", "phone", "meeting")
CALL_CHANNELS: frozenset[str] = frozenset({"phone", "meeting"})


def _check_time(value: object, what: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise PlaybookError(f"{what} needs a date and time with a timezone.")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _tuple(obj: object, name: str) -> None:
    value = getattr(obj, name)
    if not isinstance(value, tuple):
        object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True, slots=True)
class Informed:
    """One contact with the client about the incident. Calls and meetings need notes."""

    channel: Channel
    at: datetime
    notes: str = ""

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise PlaybookError(
                f"How was the client told? {self.channel!r} is not one of email, phone, meeting."
            )
        _check_time(self.at, "When the client was told")
        if self.channel in CALL_CHANNELS and not _text(self.notes):
            raise PlaybookError(
                f"Add a line of notes from the {self.channel} call — what was said and agreed."
            )


@dataclass(frozen=True, slots=True)
class SolutionOption:
    what: str
    cost: str = ""
    time: str = ""
    risk: str = ""

    def __post_init__(self) -> None:
        if not _text(self.what):
            raise PlaybookError("Each solution option needs a line saying what we would do.")


@dataclass(frozen=True, slots=True)
class Huddle:
    at: datetime
    participants: tuple[str, ...]
    facts: str
    options: tuple[SolutionOption, ...]

    def __post_init__(self) -> None:
        _check_time(self.at, "The huddle")
        _tuple(self, "participants")
        _tuple(self, "options")
        if not self.participants or not all(_text(p) for p in self.participants):
            raise PlaybookError("Who was in the huddle? Add at least one participant.")
        if not self.options:
            raise PlaybookError(
                "Come to the client with solutions: add at least one option "
                "(what, cost, time, risk)."
            )
        if not all(isinstance(o, SolutionOption) for o in self.options):
            raise PlaybookError("Each huddle option must be a solution option.")


@dataclass(frozen=True, slots=True)
class Owned:
    """The apology and ownership were given. ``message_checked``: the tone check ran."""

    at: datetime
    how: str
    message_checked: bool = False

    def __post_init__(self) -> None:
        _check_time(self.at, "When we owned up")
        if not _text(self.how):
            raise PlaybookError("How did we own up — on the call, in a message, in person?")


@dataclass(frozen=True, slots=True)
class AdjustedDate:
    """A deliverable's original date beside its revised one: no silent date moves."""

    deliverable: str
    original: date
    revised: date

    def __post_init__(self) -> None:
        if not _text(self.deliverable):
            raise PlaybookError("Name the deliverable whose date moves.")
        for key in ("original", "revised"):
            value = getattr(self, key)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise PlaybookError(f"'{self.deliverable}' needs an {key} date (a day).")
        if self.original == self.revised:
            raise PlaybookError(
                f"'{self.deliverable}' keeps its date ({self.original.isoformat()}), so it is "
                "not an adjustment — leave it out of the adjusted timelines."
            )


@dataclass(frozen=True, slots=True)
class PlanAgreed:
    """What the client agreed: a huddle option (by index) and/or their own alternative."""

    at: datetime
    option_index: int | None
    client_alternative: str
    goals: str
    timelines: tuple[AdjustedDate, ...] = ()

    def __post_init__(self) -> None:
        _check_time(self.at, "When the plan was agreed")
        _tuple(self, "timelines")
        if self.option_index is None and not _text(self.client_alternative):
            raise PlaybookError(
                "Which option did the client choose? Pick one from the huddle, or write down "
                "the client's alternative."
            )
        if self.option_index is not None and (
            isinstance(self.option_index, bool)
            or not isinstance(self.option_index, int)
            or self.option_index < 0
        ):
            raise PlaybookError("The chosen option must be one of the huddle's options.")
        if not _text(self.goals):
            raise PlaybookError(
                "Write down the goals agreed with the client — defined and realistic."
            )
        seen: set[str] = set()
        for item in self.timelines:
            if not isinstance(item, AdjustedDate):
                raise PlaybookError("Each adjusted timeline must name a deliverable and dates.")
            key = item.deliverable.strip().casefold()
            if key in seen:
                raise PlaybookError(f"'{item.deliverable}' is listed twice in the timelines.")
            seen.add(key)


@dataclass(frozen=True, slots=True)
class Fixed:
    at: datetime
    what: str
    evidence: str

    def __post_init__(self) -> None:
        _check_time(self.at, "When it was fixed")
        if not _text(self.what):
            raise PlaybookError("Say what was done to fix it.")
        if not _text(self.evidence):
            raise PlaybookError("Add evidence of the fix: a note, a link or a file.")


@dataclass(frozen=True, slots=True)
class PreventionMeasure:
    what: str
    owner: str
    due: date

    def __post_init__(self) -> None:
        if not _text(self.what):
            raise PlaybookError("Say what the prevention measure is.")
        if not _text(self.owner):
            raise PlaybookError(
                f"Who owns the measure '{self.what}'? Every measure needs an owner."
            )
        if not isinstance(self.due, date) or isinstance(self.due, datetime):
            raise PlaybookError(f"When is '{self.what}' due? Every measure needs a due date.")


@dataclass(frozen=True, slots=True)
class Prevented:
    at: datetime
    measures: tuple[PreventionMeasure, ...]

    def __post_init__(self) -> None:
        _check_time(self.at, "The prevention plan")
        _tuple(self, "measures")
        if not self.measures:
            raise PlaybookError(
                "Add at least one measure so it cannot happen again, with an owner and a due date."
            )
        if not all(isinstance(m, PreventionMeasure) for m in self.measures):
            raise PlaybookError("Each prevention measure needs what, an owner and a due date.")


@dataclass(frozen=True, slots=True)
class Reviewed:
    at: datetime
    postmortem_ref: str

    def __post_init__(self) -> None:
        _check_time(self.at, "The post-mortem")
        if not _text(self.postmortem_ref):
            raise PlaybookError("Link the post-mortem before marking the incident reviewed.")


@dataclass(frozen=True, slots=True)
class Closed:
    """The closing message. :func:`close` sets ``override_by_director`` itself (True only when
    a director/owner actually closed past a missing step) and drops an unused
    ``override_reason``."""

    at: datetime
    closing_message: str
    override_reason: str | None = None
    override_by_director: bool = False

    def __post_init__(self) -> None:
        _check_time(self.at, "When the incident was closed")
        if not _text(self.closing_message):
            raise PlaybookError("Write the closing message to the client before closing.")


Evidence = Informed | Huddle | Owned | PlanAgreed | Fixed | Prevented | Reviewed | Closed

_EVIDENCE_TYPES: Mapping[Step, type] = {
    Step.INFORMED: Informed,
    Step.HUDDLED: Huddle,
    Step.OWNED: Owned,
    Step.PLAN_AGREED: PlanAgreed,
    Step.FIXED: Fixed,
    Step.PREVENTED: Prevented,
    Step.REVIEWED: Reviewed,
    Step.CLOSED: Closed,
}
_FIELD: Mapping[Step, str] = {
    Step.HUDDLED: "huddle",
    Step.OWNED: "owned",
    Step.PLAN_AGREED: "plan",
    Step.FIXED: "fixed",
    Step.PREVENTED: "prevented",
    Step.REVIEWED: "reviewed",
    Step.CLOSED: "closed",
}

# --------------------------------------------------------------------------- facts and events


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """Everything the machine needs about one incident. Immutable; transitions return a new one.

    ``informed`` holds every contact in recording order; each other step holds its latest record
    or None. ``status`` is derived from ``closed``.
    """

    severity: Severity
    foreseen: bool
    detected_at: datetime
    opened_at: datetime
    informed: tuple[Informed, ...] = ()
    huddle: Huddle | None = None
    owned: Owned | None = None
    plan: PlanAgreed | None = None
    fixed: Fixed | None = None
    prevented: Prevented | None = None
    reviewed: Reviewed | None = None
    closed: Closed | None = None
    reopened: int = 0

    @property
    def status(self) -> str:
        return "open" if self.closed is None else "closed"

    def evidence(self, step: Step) -> Any:
        """The recorded evidence for ``step``: a tuple for informed, else the record or None.
        ``open`` returns the detection time."""
        if step is Step.OPEN:
            return self.detected_at
        if step is Step.INFORMED:
            return self.informed
        return getattr(self, _FIELD[step])


_FACT_FIELDS = tuple(IncidentFacts.__dataclass_fields__)


def _evolve(facts: IncidentFacts, **changes: Any) -> IncidentFacts:
    """``dataclasses.replace`` for the hot path (IncidentFacts has no ``__post_init__``)."""
    values = {name: getattr(facts, name) for name in _FACT_FIELDS}
    values.update(changes)
    return IncidentFacts(**values)


class EventKind(StrEnum):
    OPENED = "opened"
    STEP_RECORDED = "step_recorded"
    SEVERITY_CHANGED = "severity_changed"
    CORRECTED = "corrected"
    CLOSED = "closed"
    REOPENED = "reopened"
    NOTIFY = "notify"


@dataclass(frozen=True, slots=True)
class Event:
    """A timeline entry. ``at`` is when it was recorded.

    * ``step_recorded``: ``step``; ``complete`` (does the step now count as done); ``replaced``.
    * ``severity_changed``: ``old``/``new`` severity names, ``reason``, ``new_missing``: steps
      that became required-and-missing.
    * ``corrected``: ``old``/``new`` as text (``detected_at=...``, ``foreseen=...``), ``reason``.
    * ``closed``: ``override`` (a director closed past missing steps), ``reason``, and
      ``new_missing`` = the steps that were skipped.
    * ``reopened``: ``reason``, ``new_missing`` = the steps cleared to be done again.
    * ``notify``: ``roles`` to inform (never asked), ``reason`` = which change triggered it,
      ``notify_event`` = its name in the notify rules (``incident_opened``, ``severity_raised``,
      ``incident_closed_override``, ``incident_reopened``).
    """

    kind: EventKind
    at: datetime
    step: Step | None = None
    complete: bool | None = None
    replaced: bool = False
    old: str | None = None
    new: str | None = None
    reason: str = ""
    override: bool = False
    roles: tuple[str, ...] = ()
    new_missing: tuple[Step, ...] = ()
    notify_event: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with empty fields left out."""
        out: dict[str, Any] = {"kind": self.kind.value, "at": self.at.isoformat()}
        if self.step is not None:
            out["step"] = self.step.value
        if self.complete is not None:
            out["complete"] = self.complete
        for key in ("replaced", "override"):
            if getattr(self, key):
                out[key] = True
        for key in ("old", "new"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.reason:
            out["reason"] = self.reason
        if self.roles:
            out["roles"] = list(self.roles)
        if self.new_missing:
            out["new_missing"] = [s.value for s in self.new_missing]
        return out


Transition = tuple[IncidentFacts, tuple[Event, ...]]

# --------------------------------------------------------------------------- gates


def phone_call_needed(facts: IncidentFacts) -> bool:
    """Seed 000: for larger or unforeseen problems, a direct phone call (or meeting)."""
    return facts.severity.phone_call_required or not facts.foreseen


def is_done(facts: IncidentFacts, step: Step) -> bool:
    """Does ``step`` count as complete? (``open`` always does.)"""
    if step is Step.OPEN:
        return True
    if step is Step.INFORMED:
        if not facts.informed:
            return False
        if phone_call_needed(facts):
            return any(i.channel in CALL_CHANNELS for i in facts.informed)
        return True
    return getattr(facts, _FIELD[step]) is not None


def _why_call(facts: IncidentFacts) -> str:
    if facts.severity.phone_call_required:
        return f"a {facts.severity.title.lower()} incident"
    return "an unforeseen incident"


def _missing_text(facts: IncidentFacts, step: Step) -> tuple[str, ...]:
    """Plain-language description of what is missing for ``step`` (empty when done)."""
    if is_done(facts, step):
        return ()
    if step is Step.INFORMED:
        if not phone_call_needed(facts):
            return ("Tell the client — an email is fine for this one.",)
        why = _why_call(facts)
        why = why[0].upper() + why[1:]
        if facts.informed:
            return (
                f"An email is logged, but {_why_call(facts)} needs a phone call (or meeting) "
                "before the client counts as informed — log the call.",
            )
        return (
            f"{why} needs a phone call logged before the client counts as informed — log the "
            "call, or record the email and then the call.",
        )
    return {
        Step.HUDDLED: (
            "Huddle with the team: who took part, the facts so far and at least one "
            "solution option.",
        ),
        Step.OWNED: (
            "Own it with the client: apologise and take our share (log the call or the message).",
        ),
        Step.PLAN_AGREED: (
            "The plan the client agreed: the chosen option or their alternative, "
            "goals, and any adjusted dates.",
        ),
        Step.FIXED: ("What was fixed, with evidence (a note, a link or a file).",),
        Step.PREVENTED: ("At least one prevention measure with an owner and a due date.",),
        Step.REVIEWED: ("The post-mortem.",),
        Step.CLOSED: ("The closing message to the client.",),
    }[step]


def _required(facts: IncidentFacts, step: Step) -> bool:
    return step in (Step.OPEN, Step.CLOSED) or step in facts.severity.required_steps


def missing_steps(facts: IncidentFacts) -> tuple[Step, ...]:
    """Required steps not yet done, excluding ``closed`` itself (what blocks closing)."""
    return tuple(s for s in facts.severity.required_steps if not is_done(facts, s))


def next_step(facts: IncidentFacts) -> Step | None:
    """The first required incomplete step in playbook order; ``closed`` once all others are
    done; None when closed."""
    if facts.closed is not None:
        return None
    missing = missing_steps(facts)
    return missing[0] if missing else Step.CLOSED


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    step: Step
    title: str
    done: bool
    required: bool
    missing: tuple[str, ...]
    help: str


def checklist(facts: IncidentFacts) -> list[ChecklistItem]:
    """One item per step, in playbook order (optional steps included, marked not required)."""
    return [
        ChecklistItem(
            step=step,
            title=STEP_TITLES[step],
            done=is_done(facts, step),
            required=_required(facts, step),
            missing=_missing_text(facts, step),
            help=STEP_HELP[step],
        )
        for step in STEP_ORDER
    ]


def can_close(facts: IncidentFacts) -> tuple[bool, tuple[str, ...]]:
    """Whether a normal close is allowed, and if not, what is missing (plain language)."""
    if facts.closed is not None:
        return False, ("The incident is already closed.",)
    reasons = tuple(
        f"{STEP_TITLES[s]}: {text}"
        for s in missing_steps(facts)
        for text in _missing_text(facts, s)
    )
    return not reasons, reasons


# --------------------------------------------------------------------------- transitions


def _check_when(facts: IncidentFacts, when: datetime, at: datetime, what: str) -> None:
    if when < facts.detected_at:
        raise PlaybookError(
            f"{what} is dated before the incident was detected "
            f"({facts.detected_at.isoformat(timespec='minutes')}). If it was detected earlier, "
            "correct the detection time first."
        )
    if when > at + FUTURE_TOLERANCE:
        raise PlaybookError(f"{what} is dated in the future — record it once it has happened.")


def _check_reason(reason: object, what: str) -> str:
    if not _text(reason):
        raise PlaybookError(f"Give a reason for {what} — it goes on the timeline.")
    return str(reason).strip()


def _notify(facts: IncidentFacts, at: datetime, reason: str, roles: tuple[str, ...], *,
            name: str) -> Event:
    return Event(
        EventKind.NOTIFY, at, roles=tuple(dict.fromkeys((TEAM_ROLE, *roles))), reason=reason,
        notify_event=name,
    )


def open_incident(
    severity: Severity, *, foreseen: bool, detected_at: datetime, at: datetime
) -> Transition:
    """Open an incident (from a thread or directly). The team and the severity's
    ``notify_roles`` are informed."""
    if not isinstance(severity, Severity):
        raise PlaybookError("Choose a severity for the incident.")
    _check_time(detected_at, "When it was detected")
    _check_time(at, "The time of opening")
    if detected_at > at + FUTURE_TOLERANCE:
        raise PlaybookError("The detection time is in the future — use the time it was spotted.")
    facts = IncidentFacts(
        severity=severity, foreseen=bool(foreseen), detected_at=detected_at, opened_at=at
    )
    return facts, (
        Event(EventKind.OPENED, at, step=Step.OPEN, complete=True, new=severity.name),
        _notify(facts, at, "opened", severity.notify_roles, name="incident_opened"),
    )


def record_step(
    facts: IncidentFacts, step: Step, evidence: Evidence, *, at: datetime
) -> Transition:
    """Record evidence for a step (any order). ``informed`` appends; others replace.

    Refused on a closed incident, for ``open``/``closed`` (use :func:`open_incident` /
    :func:`close`), for evidence of the wrong type, dated before detection or in the future,
    a plan choosing an option the huddle does not have, or a re-plan that rewrites or drops a
    deliverable's original date.
    """
    step = Step(step)
    _check_time(at, "The time of recording")
    if facts.closed is not None:
        raise PlaybookError(
            "This incident is closed. Reopen it (with a reason) before recording more steps."
        )
    if step is Step.OPEN:
        raise PlaybookError("The incident is already open.")
    if step is Step.CLOSED:
        raise PlaybookError("Use Close to close the incident — it needs the closing message.")
    expected = _EVIDENCE_TYPES[step]
    if not isinstance(evidence, expected):
        raise PlaybookError(
            f"'{STEP_TITLES[step]}' needs {expected.__name__} details, not "
            f"{type(evidence).__name__}."
        )
    _check_when(facts, evidence.at, at, STEP_TITLES[step])

    if step is Step.INFORMED:
        new = _evolve(facts, informed=(*facts.informed, evidence))
        replaced = False
    else:
        if (step is Step.HUDDLED and isinstance(evidence, Huddle) and facts.plan is not None
                and facts.plan.option_index is not None):
            if facts.plan.option_index >= len(evidence.options):
                raise PlaybookError(
                    f"The agreed plan uses option {facts.plan.option_index + 1}, but this huddle "
                    f"has only {len(evidence.options)} option(s). Keep that option in the list."
                )
        if step is Step.PLAN_AGREED:
            assert isinstance(evidence, PlanAgreed)  # checked against the step above
            _check_plan(facts, evidence)
        attr = _FIELD[step]
        replaced = getattr(facts, attr) is not None
        new = _evolve(facts, **{attr: evidence})
    return new, (
        Event(
            EventKind.STEP_RECORDED, at, step=step, complete=is_done(new, step), replaced=replaced
        ),
    )


def _check_plan(facts: IncidentFacts, plan: PlanAgreed) -> None:
    if plan.option_index is not None:
        if facts.huddle is None:
            raise PlaybookError(
                "There are no huddle options to choose from yet. Record the huddle first, or "
                "write down the client's alternative."
            )
        if plan.option_index >= len(facts.huddle.options):
            raise PlaybookError(
                f"The huddle has {len(facts.huddle.options)} option(s); option "
                f"{plan.option_index + 1} does not exist."
            )
    if facts.plan is None:
        return
    new_dates = {d.deliverable.strip().casefold(): d for d in plan.timelines}
    for old in facts.plan.timelines:
        current = new_dates.get(old.deliverable.strip().casefold())
        if current is None:
            raise PlaybookError(
                f"The earlier plan moved '{old.deliverable}' from "
                f"{old.original.isoformat()} to {old.revised.isoformat()}. Keep it in the new "
                "plan so its date does not move silently."
            )
        if current.original != old.original:
            raise PlaybookError(
                f"'{old.deliverable}' was originally due {old.original.isoformat()}. Keep that "
                "as the original date and change only the revised date."
            )


def change_severity(
    facts: IncidentFacts, new: Severity, *, reason: str, at: datetime
) -> Transition:
    """Raise or lower the severity with a reason. Roles newly in ``notify_roles`` are informed
    (seed 002: directors hear when it escalates); steps that become required-and-missing are
    listed on the event (e.g. a phone call is now needed)."""
    _check_time(at, "The time of the change")
    if facts.closed is not None:
        raise PlaybookError("This incident is closed. Reopen it before changing the severity.")
    if not isinstance(new, Severity):
        raise PlaybookError("Choose the new severity.")
    old = facts.severity
    if new == old:
        raise PlaybookError(f"The incident is already {old.title.lower()}.")
    direction = "raising" if new.rank > old.rank else "lowering"
    why = _check_reason(reason, f"{direction} the severity")
    updated = _evolve(facts, severity=new)
    before = set(missing_steps(facts))
    events = [
        Event(
            EventKind.SEVERITY_CHANGED,
            at,
            old=old.name,
            new=new.name,
            reason=why,
            new_missing=tuple(s for s in missing_steps(updated) if s not in before),
        )
    ]
    added = tuple(r for r in new.notify_roles if r not in old.notify_roles)
    if new.rank > old.rank:
        events.append(_notify(updated, at, f"severity raised to {new.name}", added,
                              name="severity_raised"))
    elif added:
        events.append(
            Event(EventKind.NOTIFY, at, roles=added, reason=f"severity set to {new.name}")
        )
    return updated, tuple(events)


def correct_facts(
    facts: IncidentFacts,
    *,
    reason: str,
    at: datetime,
    detected_at: datetime | None = None,
    foreseen: bool | None = None,
) -> Transition:
    """Correct the detection time or whether it was foreseen, with a reason.

    A detection time later than any recorded evidence is refused (metrics would go negative).
    """
    _check_time(at, "The time of the correction")
    if facts.closed is not None:
        raise PlaybookError("This incident is closed. Reopen it before correcting it.")
    why = _check_reason(reason, "the correction")
    changes: dict[str, Any] = {}
    events: list[Event] = []
    if detected_at is not None and detected_at != facts.detected_at:
        _check_time(detected_at, "When it was detected")
        if detected_at > at + FUTURE_TOLERANCE:
            raise PlaybookError(
                "The detection time is in the future — use the time it was spotted."
            )
        earliest = _earliest_evidence(facts)
        if earliest is not None and detected_at > earliest:
            raise PlaybookError(
                "Something was already recorded at "
                f"{earliest.isoformat(timespec='minutes')}; the incident cannot have been "
                "detected after that."
            )
        changes["detected_at"] = detected_at
        events.append(
            Event(
                EventKind.CORRECTED,
                at,
                old=f"detected_at={facts.detected_at.isoformat()}",
                new=f"detected_at={detected_at.isoformat()}",
                reason=why,
            )
        )
    if foreseen is not None and bool(foreseen) != facts.foreseen:
        changes["foreseen"] = bool(foreseen)
        events.append(
            Event(
                EventKind.CORRECTED,
                at,
                old=f"foreseen={facts.foreseen}",
                new=f"foreseen={bool(foreseen)}",
                reason=why,
            )
        )
    if not changes:
        raise PlaybookError("Nothing to correct: the values are the same as before.")
    return _evolve(facts, **changes), tuple(events)


def _evidence_times(facts: IncidentFacts) -> list[datetime]:
    records = (facts.huddle, facts.owned, facts.plan, facts.fixed, facts.prevented, facts.reviewed)
    return [i.at for i in facts.informed] + [r.at for r in records if r is not None]


def _earliest_evidence(facts: IncidentFacts) -> datetime | None:
    return min(_evidence_times(facts), default=None)


def _latest_evidence(facts: IncidentFacts) -> datetime | None:
    return max(_evidence_times(facts), default=None)


def close(facts: IncidentFacts, closed: Closed, *, actor_role: str) -> Transition:
    """Close with the closing message. Needs every required step done, unless ``actor_role``
    is a director/owner and ``closed.override_reason`` explains why (the only director action;
    optional)."""
    if facts.closed is not None:
        raise PlaybookError("This incident is already closed.")
    if not isinstance(closed, Closed):
        raise PlaybookError("Closing needs the closing message to the client.")
    if closed.at < facts.detected_at:
        raise PlaybookError("The closing time is before the incident was detected.")
    latest = _latest_evidence(facts)
    if latest is not None and closed.at < latest:
        raise PlaybookError(
            f"Something was recorded as happening at {latest.isoformat(timespec='minutes')}, "
            "after this closing time — close it at or after that."
        )
    missing = missing_steps(facts)
    override = False
    if missing:
        listing = "; ".join(can_close(facts)[1])
        if not _text(closed.override_reason):
            raise PlaybookError(
                f"Not ready to close — still missing: {listing}. A director or owner may "
                "close anyway with a written reason."
            )
        if actor_role not in OVERRIDE_ROLES:
            raise PlaybookError(
                f"Not ready to close — still missing: {listing}. Only a director or owner can "
                "close past a missing step."
            )
        override = True
    # The reason is kept only when it was used: a normal close carries no override.
    reason = (closed.override_reason or "").strip() if override else ""
    stored = replace(closed, override_reason=reason or None, override_by_director=override)
    new = _evolve(facts, closed=stored)
    events = [
        Event(
            EventKind.CLOSED,
            closed.at,
            step=Step.CLOSED,
            complete=True,
            override=override,
            reason=reason,
            new_missing=missing,
        )
    ]
    if override:
        events.append(_notify(new, closed.at, "closed by override", tuple(sorted(OVERRIDE_ROLES)),
                              name="incident_closed_override"))
    return new, tuple(events)


def reopen(
    facts: IncidentFacts, *, reason: str, at: datetime, clear: tuple[Step, ...] = ()
) -> Transition:
    """Reopen a closed incident with a reason. ``clear`` lists steps to be done again (e.g.
    ``(Step.FIXED,)`` when the fix did not hold — which also restarts the client-update
    cadence); their old records stay on the timeline only."""
    _check_time(at, "The time of reopening")
    if facts.closed is None:
        raise PlaybookError("The incident is still open.")
    why = _check_reason(reason, "reopening")
    changes: dict[str, Any] = {"closed": None, "reopened": facts.reopened + 1}
    cleared: list[Step] = []
    for raw in clear:
        step = Step(raw)
        if step in (Step.OPEN, Step.CLOSED):
            raise PlaybookError(f"'{STEP_TITLES[step]}' cannot be cleared.")
        if step not in cleared:
            cleared.append(step)
        changes["informed" if step is Step.INFORMED else _FIELD[step]] = (
            () if step is Step.INFORMED else None
        )
    new = _evolve(facts, **changes)
    return new, (
        Event(
            EventKind.REOPENED,
            at,
            reason=why,
            new_missing=tuple(s for s in STEP_ORDER if s in cleared),
        ),
        _notify(new, at, "reopened", facts.severity.notify_roles, name="incident_reopened"),
    )


# --------------------------------------------------------------------------- cadence


class Clock(Protocol):
    def deadline(self, start: datetime, duration: timedelta) -> datetime: ...


#: Elapsed time, around the clock: the one calendar clock of ``ownup.core.clock`` (UTC
#: arithmetic, so a DST change does not add or lose an hour).
CALENDAR = CalendarClock()


def _clock_for(facts: IncidentFacts, clock: Clock | None) -> Clock:
    # A calendar severity always runs on elapsed time; a business one on the clock passed in
    # (the client's response policy), falling back to elapsed time when none is given.
    if facts.severity.update_clock == "calendar" or clock is None:
        return CALENDAR
    return clock


def next_update_due(
    facts: IncidentFacts, last_client_update_at: datetime | None, clock: Clock | None = None
) -> datetime | None:
    """When the next client update is due: the latest client update (the later of
    ``last_client_update_at`` and the latest ``informed`` record, else detection) plus
    ``severity.update_every`` on the severity's clock. None once fixed or closed."""
    if facts.fixed is not None or facts.closed is not None:
        return None
    candidates = [i.at for i in facts.informed]
    if last_client_update_at is not None:
        _check_time(last_client_update_at, "The last client update")
        candidates.append(last_client_update_at)
    start = max(candidates, default=facts.detected_at)
    on = _clock_for(facts, clock)
    due = on.deadline(start, facts.severity.update_every)
    # Elapsed time is told on the wall clock the incident's times are in.
    return due.astimezone(start.tzinfo) if on is CALENDAR else due


def stalled(
    facts: IncidentFacts, last_change_at: datetime, now: datetime, clock: Clock | None = None
) -> bool:
    """True when an open incident has had no change for longer than ``severity.stall_after``
    (strictly beyond the deadline) on the severity's clock."""
    if facts.closed is not None:
        return False
    return now > _clock_for(facts, clock).deadline(last_change_at, facts.severity.stall_after)


def metrics(facts: IncidentFacts) -> dict[str, timedelta | None]:
    """Durations from detection: to the first contact of any channel, to ownership, to the fix
    and to the (latest) close. None where the step has no record."""
    base = facts.detected_at
    first = min((i.at for i in facts.informed), default=None)
    return {
        "time_to_inform": None if first is None else first - base,
        "time_to_own": None if facts.owned is None else facts.owned.at - base,
        "time_to_fix": None if facts.fixed is None else facts.fixed.at - base,
        "time_to_close": None if facts.closed is None else facts.closed.at - base,
    }
