"""The agenda for the next client review, built from plain data (no Django).

The seed (001): "Bring problems to clients. Tell them when they are doing something detrimental.
Tell them no" and "media relations is a tactic, not a strategy". So the agenda leads with the
client's goals at risk and the concerns to raise (each with the course of action first), asks
which goal each unlinked piece of work serves, lists the decisions still open and, as a first-class
section, where the agency advised against something and what happened. The track record and the
upcoming deadlines close it.

``build_agenda(AgendaInput) -> Agenda``; ``Agenda.to_text()`` is the plain text for an email (and
the PDF); ``Agenda.to_dict()`` the JSON shape. ``proposes_action(text)`` is the simple check that a
concern's suggested course of action actually proposes something to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# --- solution-first check ----------------------------------------------------------------------

# A suggestion proposes an action when it starts with an imperative verb ("Move half the budget
# to ...") or says who does what ("we suggest", "we will", "let's", "you could").
ACTION_VERBS = frozenset("""
add adjust agree align allocate ask audit book brief build cancel change check choose combine
commission consider create cut define delay drop extend focus hire hold introduce invest launch
limit measure merge move narrow offer pause pilot plan prepare prioritise prioritize propose
publish raise redirect reduce refocus reframe reallocate remove replace rerun reschedule
restructure review run schedule set share shift simplify split start stop switch target test tie
track trial try update use
""".split())

_WHO_DOES = re.compile(
    r"\b(?:we|i|you|the team|the client)\s+(?:should|could|can|will|would|must|need to|"
    r"suggest|recommend|propose|advise)\b|\blet'?s\b|\b(?:suggest|recommend|propose)(?:s|ed)?\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z']+")


def proposes_action(text: str) -> bool:
    """True when ``text`` proposes something to do (an imperative verb first, or a "we suggest",
    "we will", "let's" ...). A bare statement of the problem ("This is not working") is not."""
    text = (text or "").strip()
    if len(text) < 8:
        return False
    words = _WORD.findall(text)
    if words and words[0].lower() in ACTION_VERBS:
        return True
    return _WHO_DOES.search(text) is not None


SOLUTION_FIRST_HINT = (
    "Phrase it as a course of action, solution first: start with what to do "
    "(\"Move half the press budget to the enterprise webinar series\", \"We suggest ...\")."
)


# --- input rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    statement: str
    status: str  # on_track | at_risk | achieved | missed | dropped
    metric: str = ""
    target: str = ""
    due: date | None = None


@dataclass(frozen=True)
class WorkRow:
    title: str
    kind: str = "other"
    status: str = "active"  # planned | active | done
    goals: tuple[str, ...] = ()
    owner: str = ""


@dataclass(frozen=True)
class ConcernRow:
    noticed: str
    why: str
    suggestion: str
    status: str = "open"  # open | raised | resolved


@dataclass(frozen=True)
class AdviceRow:
    what: str
    why: str = ""
    goal: str = ""
    given_on: date | None = None
    response: str = "pending"  # agreed | disagreed | deferred | pending
    reasoning: str = ""
    outcome: str = ""
    outcome_on: date | None = None


@dataclass(frozen=True)
class IncidentRow:
    title: str
    detected_on: date
    severity: str = ""
    status: str = "closed"


@dataclass(frozen=True)
class DeliverableRow:
    title: str
    due: date
    work_item: str = ""
    owner: str = ""
    original_due: date | None = None
    done: bool = False


@dataclass(frozen=True)
class AgendaInput:
    client: str
    today: date
    period_days: int = 90
    weeks_ahead: int = 4
    goals: tuple[GoalRow, ...] = ()
    work: tuple[WorkRow, ...] = ()
    concerns: tuple[ConcernRow, ...] = ()
    advice: tuple[AdviceRow, ...] = ()
    incidents: tuple[IncidentRow, ...] = ()
    last_incident_on: date | None = None
    deliverables: tuple[DeliverableRow, ...] = ()
    client_since: date | None = None
    incidents_total: int | None = None  # all incidents ever, for the long track record


# --- output ------------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    heading: str
    items: list[str] = field(default_factory=list)


@dataclass
class Agenda:
    title: str
    subtitle: str
    sections: list[Section]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_text(self) -> str:
        lines = [self.title, self.subtitle, ""]
        for number, section in enumerate(self.sections, 1):
            lines.append(f"{number}. {section.heading}")
            lines.extend(f"   - {item}" for item in section.items)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "sections": [
                {"key": s.key, "heading": s.heading, "items": list(s.items)} for s in self.sections
            ],
        }


SECTION_HEADINGS = {
    "goals": "Your goals: where we stand",
    "concerns": "What we suggest, and why",
    "unlinked": "Work to tie to a goal",
    "decisions": "Decisions we need from you",
    "disagreements": "Where we advised against, and what happened",
    "track_record": "Our track record this period",
    "deadlines": "Coming up",
}

GOAL_STATUS_TEXT = {
    "on_track": "on track", "at_risk": "at risk", "achieved": "achieved", "missed": "missed",
    "dropped": "dropped",
}
_GOAL_ORDER = {"at_risk": 0, "missed": 1, "on_track": 2, "achieved": 3, "dropped": 4}


def _d(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def _sentence(text: str) -> str:
    text = " ".join((text or "").split())
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _goal_line(g: GoalRow) -> str:
    bits = [g.statement.strip()]
    measure = " ".join(p for p in (g.metric.strip(), g.target.strip()) if p)
    if measure:
        bits.append(f"({measure})")
    if g.due:
        bits.append(f"by {_d(g.due)}")
    line = " ".join(bits) + f": {GOAL_STATUS_TEXT.get(g.status, g.status).upper()}"
    if g.status == "at_risk":
        line += " - let's agree what changes to bring it back on track"
    return line


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "1 day ago"
    return f"{days} days ago"


def build_agenda(data: AgendaInput) -> Agenda:
    today = data.today
    period_start = today - timedelta(days=data.period_days)
    horizon = today + timedelta(weeks=data.weeks_ahead)
    sections: list[Section] = []

    live_goals = [g for g in data.goals if g.status in ("on_track", "at_risk", "missed")]
    goals = sorted(live_goals, key=lambda g: (_GOAL_ORDER.get(g.status, 9), g.due or date.max))
    if goals:
        sections.append(Section("goals", SECTION_HEADINGS["goals"], [_goal_line(g) for g in goals]))

    concerns = [c for c in data.concerns if c.status == "open"]
    if concerns:
        sections.append(Section("concerns", SECTION_HEADINGS["concerns"], [
            f"{_sentence(c.suggestion)} Why: we noticed {_lower_first(_sentence(c.noticed))} "
            f"{_sentence(c.why)}".strip()
            for c in concerns
        ]))

    unlinked = [w for w in data.work if not w.goals and w.status != "done"]
    if unlinked:
        sections.append(Section("unlinked", SECTION_HEADINGS["unlinked"], [
            f"{w.title}: which of your goals does this serve? If none, let's decide together "
            "whether to refocus it or stop it."
            for w in unlinked
        ]))

    undecided = [a for a in data.advice if a.response in ("pending", "deferred")]
    if undecided:
        items = []
        for a in sorted(undecided, key=lambda a: a.given_on or date.min):
            line = f"{_sentence(a.what)}"
            if a.why:
                line += f" Why: {_sentence(a.why)}"
            if a.goal:
                line += f" (Goal: {a.goal.strip()})"
            if a.response == "deferred":
                line += " You asked to come back to this"
                line += f"; raised on {_d(a.given_on)}." if a.given_on else "."
            elif a.given_on:
                line += f" Proposed on {_d(a.given_on)}."
            items.append(line)
        sections.append(Section("decisions", SECTION_HEADINGS["decisions"], items))

    disagreed = [a for a in data.advice if a.response == "disagreed"]
    if disagreed:
        items = []
        for a in sorted(disagreed, key=lambda a: a.given_on or date.min):
            when = f" on {_d(a.given_on)}" if a.given_on else ""
            line = f"We advised{when}: {_sentence(a.what)}"
            if a.reasoning:
                line += f" Your reasoning: {_sentence(a.reasoning)}"
            if a.outcome:
                on = f" ({_d(a.outcome_on)})" if a.outcome_on else ""
                line += f" What happened{on}: {_sentence(a.outcome)}"
            else:
                line += " Outcome: not known yet - let's review it together."
            items.append(line)
        sections.append(Section("disagreements", SECTION_HEADINGS["disagreements"], items))

    period = [i for i in data.incidents if period_start <= i.detected_on <= today]
    record: list[str] = []
    if period:
        n = len(period)
        record.append(f"{n} incident{'s' if n != 1 else ''} in the last {data.period_days} days.")
        for i in sorted(period, key=lambda i: i.detected_on):
            sev = f", {i.severity}" if i.severity else ""
            record.append(f"{_d(i.detected_on)}: {i.title.strip()} ({i.status}{sev})")
    else:
        record.append(f"No incidents in the last {data.period_days} days.")
    last = data.last_incident_on or max((i.detected_on for i in data.incidents), default=None)
    if last is None:
        record.append("No incident on record.")
    else:
        record.append(f"Last incident: {_d(last)} ({_ago((today - last).days)}).")
    if data.client_since and data.incidents_total is not None:
        n = data.incidents_total
        years = (today - data.client_since).days / 365.25
        span = f"over {int(years)} year{'s' if int(years) != 1 else ''}" if years >= 1 else \
            "so far"
        record.append(f"{n} incident{'s' if n != 1 else ''} in total since we began working "
                      f"together on {_d(data.client_since)} ({span}).")
    sections.append(Section("track_record", SECTION_HEADINGS["track_record"], record))

    due = sorted((d for d in data.deliverables if not d.done and d.due <= horizon),
                 key=lambda d: (d.due, d.title))
    items = []
    for d in due:
        line = f"{_d(d.due)}: {d.title.strip()}"
        if d.work_item:
            line += f" ({d.work_item.strip()})"
        if d.owner:
            line += f" - {d.owner}"
        if d.original_due and d.original_due != d.due:
            line += f"; moved from {_d(d.original_due)}"
        if d.due < today:
            line += " - OVERDUE"
        items.append(line)
    if not items:
        items.append(f"No deliverables due in the next {data.weeks_ahead} weeks.")
    sections.append(Section("deadlines", f"{SECTION_HEADINGS['deadlines']} "
                            f"(next {data.weeks_ahead} weeks)", items))

    return Agenda(
        title=f"{data.client}: agenda for our next review",
        subtitle=f"Prepared {_d(today)}; covers the last {data.period_days} days and the next "
                 f"{data.weeks_ahead} weeks.",
        sections=sections,
    )


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
