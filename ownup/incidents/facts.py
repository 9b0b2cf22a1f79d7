"""(De)serialise the playbook's :class:`IncidentFacts` and its evidence to JSON.

Datetimes and dates are ISO 8601 strings; the severity is stored by name (resolved against
``DEFAULT_SEVERITIES``). ``evidence_from_dict`` also reads user input (API bodies, web forms):
it accepts ISO strings or real ``datetime``/``date`` values and turns any malformed value into
a :class:`PlaybookError` with a plain message.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from ownup.core import playbook as pb
from ownup.core.playbook import (
    AdjustedDate,
    Closed,
    Fixed,
    Huddle,
    IncidentFacts,
    Informed,
    Owned,
    PlanAgreed,
    PlaybookError,
    Prevented,
    PreventionMeasure,
    Reviewed,
    SolutionOption,
    Step,
)

_SINGLE = {
    "huddle": Step.HUDDLED,
    "owned": Step.OWNED,
    "plan": Step.PLAN_AGREED,
    "fixed": Step.FIXED,
    "prevented": Step.PREVENTED,
    "reviewed": Step.REVIEWED,
    "closed": Step.CLOSED,
}


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def evidence_to_dict(evidence: Any) -> dict[str, Any]:
    """A JSON-ready dict of one evidence dataclass (nested options/dates/measures too)."""
    return _json(asdict(evidence))


def facts_to_dict(facts: IncidentFacts) -> dict[str, Any]:
    out: dict[str, Any] = {
        "severity": facts.severity.name,
        "foreseen": facts.foreseen,
        "detected_at": facts.detected_at.isoformat(),
        "opened_at": facts.opened_at.isoformat(),
        "informed": [evidence_to_dict(i) for i in facts.informed],
        "reopened": facts.reopened,
    }
    for attr in _SINGLE:
        value = getattr(facts, attr)
        out[attr] = None if value is None else evidence_to_dict(value)
    return out


def severity_named(name: str, severities=None) -> pb.Severity:
    severities = pb.DEFAULT_SEVERITIES if severities is None else severities
    try:
        return severities[name]
    except (KeyError, TypeError):
        choices = ", ".join(severities)
        raise PlaybookError(f"{name!r} is not a severity; choose from {choices}.") from None


def facts_from_dict(data: dict[str, Any], severities=None) -> IncidentFacts:
    values: dict[str, Any] = {
        "severity": severity_named(data["severity"], severities),
        "foreseen": bool(data["foreseen"]),
        "detected_at": parse_datetime(data["detected_at"], "detected_at"),
        "opened_at": parse_datetime(data["opened_at"], "opened_at"),
        "informed": tuple(evidence_from_dict(Step.INFORMED, i) for i in data.get("informed", ())),
        "reopened": int(data.get("reopened", 0)),
    }
    for attr, step in _SINGLE.items():
        raw = data.get(attr)
        values[attr] = None if raw is None else evidence_from_dict(step, raw)
    return IncidentFacts(**values)


def parse_datetime(value: Any, what: str, default_tz: tzinfo = UTC) -> datetime:
    """An aware datetime from a datetime or ISO string; naive values get ``default_tz``."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str) and value.strip():
        try:
            result = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise PlaybookError(f"{what}: {value!r} is not a date and time.") from None
    else:
        raise PlaybookError(f"{what}: a date and time is needed.")
    if result.tzinfo is None or result.utcoffset() is None:
        result = result.replace(tzinfo=default_tz)
    return result


def parse_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise PlaybookError(f"{what}: {value!r} is not a date (YYYY-MM-DD).") from None
    raise PlaybookError(f"{what}: a date is needed.")


def _text(data: dict, key: str) -> str:
    value = data.get(key, "")
    return "" if value is None else str(value)


def _list(data: dict, key: str) -> list:
    value = data.get(key) or []
    if isinstance(value, dict) or isinstance(value, str | bytes):
        raise PlaybookError(f"{key}: must be a list.")
    return list(value)


def _dict(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise PlaybookError(f"{what}: each item must be an object.")
    return value


def evidence_from_dict(step: Step | str, data: dict[str, Any], default_tz: tzinfo = UTC) -> Any:
    """Build the evidence dataclass for ``step`` from a dict (stored JSON or user input)."""
    try:
        step = Step(step)
    except ValueError:
        raise PlaybookError(f"{step!r} is not a playbook step.") from None
    data = _dict(data, "evidence")

    def at() -> datetime:
        return parse_datetime(data.get("at"), "at", default_tz)

    if step is Step.INFORMED:
        return Informed(channel=_text(data, "channel"), at=at(), notes=_text(data, "notes"))
    if step is Step.HUDDLED:
        participants = data.get("participants") or []
        if isinstance(participants, str):
            participants = [p.strip() for p in participants.replace("\n", ",").split(",")]
        options = tuple(
            SolutionOption(
                what=_text(o, "what"), cost=_text(o, "cost"), time=_text(o, "time"),
                risk=_text(o, "risk"),
            )
            for o in (_dict(x, "options") for x in _list(data, "options"))
        )
        return Huddle(
            at=at(), participants=tuple(p for p in participants if str(p).strip()),
            facts=_text(data, "facts"), options=options,
        )
    if step is Step.OWNED:
        return Owned(at=at(), how=_text(data, "how"),
                     message_checked=bool(data.get("message_checked", False)))
    if step is Step.PLAN_AGREED:
        index = data.get("option_index")
        if index == "" or index is None:
            index = None
        elif isinstance(index, str):
            try:
                index = int(index)
            except ValueError:
                raise PlaybookError("The chosen option must be one of the huddle's options.") \
                    from None
        timelines = tuple(
            AdjustedDate(
                deliverable=_text(t, "deliverable"),
                original=parse_date(t.get("original"), "original"),
                revised=parse_date(t.get("revised"), "revised"),
            )
            for t in (_dict(x, "timelines") for x in _list(data, "timelines"))
        )
        return PlanAgreed(
            at=at(), option_index=index, client_alternative=_text(data, "client_alternative"),
            goals=_text(data, "goals"), timelines=timelines,
        )
    if step is Step.FIXED:
        return Fixed(at=at(), what=_text(data, "what"), evidence=_text(data, "evidence"))
    if step is Step.PREVENTED:
        measures = tuple(
            PreventionMeasure(
                what=_text(m, "what"), owner=_text(m, "owner"), due=parse_date(m.get("due"), "due")
            )
            for m in (_dict(x, "measures") for x in _list(data, "measures"))
        )
        return Prevented(at=at(), measures=measures)
    if step is Step.REVIEWED:
        return Reviewed(at=at(), postmortem_ref=_text(data, "postmortem_ref"))
    if step is Step.CLOSED:
        return Closed(
            at=at(), closing_message=_text(data, "closing_message"),
            override_reason=data.get("override_reason") or None,
            override_by_director=bool(data.get("override_by_director", False)),
        )
    raise PlaybookError("The incident is already open.")
