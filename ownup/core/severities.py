"""The playbook's configuration: its steps and the incident severities (behaviour as data).

Split from ``ownup.core.playbook`` (which re-exports every name here, so
``from ownup.core.playbook import Severity`` keeps working). Severities load from
``severities.toml`` next to this module; a workspace may bring its own file in the same shape.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from importlib import resources
from typing import Any

from ownup.core import policy

__all__ = [
    "CLOCKS",
    "DEFAULT_SEVERITIES",
    "MIDDLE_STEPS",
    "PlaybookConfigError",
    "PlaybookError",
    "STEP_ORDER",
    "Severity",
    "Step",
    "format_duration",
    "load_severities",
    "parse_duration",
    "severities_from_dict",
    "severities_to_dict",
]

class PlaybookError(ValueError):
    """A transition was refused; the message is meant for the account manager."""


class PlaybookConfigError(PlaybookError):
    """Severity configuration is invalid; the message names the offending key."""


# --------------------------------------------------------------------------- steps


class Step(StrEnum):
    OPEN = "open"
    INFORMED = "informed"
    HUDDLED = "huddled"
    OWNED = "owned"
    PLAN_AGREED = "plan_agreed"
    FIXED = "fixed"
    PREVENTED = "prevented"
    REVIEWED = "reviewed"
    CLOSED = "closed"


STEP_ORDER: tuple[Step, ...] = tuple(Step)
# Steps a severity may list as required before closing (open/closed are always in the playbook).
_MIDDLE_STEPS: tuple[Step, ...] = STEP_ORDER[1:-1]
MIDDLE_STEPS = _MIDDLE_STEPS

# --------------------------------------------------------------------------- severities

CLOCKS = ("business", "calendar")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_duration(text: str, key: str = "duration") -> timedelta:
    """Parse ``"4h"``, ``"90m"`` or ``"1h30m"`` (the policy's syntax); errors name ``key``."""
    try:
        return policy.parse_duration(text)
    except ValueError as exc:
        raise PlaybookConfigError(f"{key}: {exc}") from None


format_duration = policy.format_duration


@dataclass(frozen=True, slots=True)
class Severity:
    """How an incident of this size is run: behaviour as data.

    ``update_every`` and ``stall_after`` are measured on ``update_clock``: ``"business"`` (the
    client's response-policy hours; the caller passes that clock) or ``"calendar"``.
    ``notify_roles`` are informed on open, when raised to this severity and on reopen, besides
    the team. ``required_steps`` must be done before closing (no ``open``/``closed``).
    """

    name: str
    title: str
    rank: int
    phone_call_required: bool
    update_every: timedelta
    update_clock: str
    stall_after: timedelta
    notify_roles: tuple[str, ...] = ()
    required_steps: tuple[Step, ...] = _MIDDLE_STEPS

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise PlaybookConfigError(
                f"{name!r}: a severity name must be lower-case letters, digits and '_', "
                "starting with a letter"
            )
        if not isinstance(self.title, str) or not self.title.strip():
            raise PlaybookConfigError(f"{name}.title: must be a non-empty text")
        if isinstance(self.rank, bool) or not isinstance(self.rank, int):
            raise PlaybookConfigError(f"{name}.rank: must be a whole number (higher = worse)")
        if not isinstance(self.phone_call_required, bool):
            raise PlaybookConfigError(f"{name}.phone_call_required: must be true or false")
        for key in ("update_every", "stall_after"):
            value = getattr(self, key)
            if not isinstance(value, timedelta) or value <= timedelta(0):
                raise PlaybookConfigError(f"{name}.{key}: must be a positive duration")
            if value % timedelta(minutes=1):
                raise PlaybookConfigError(f"{name}.{key}: must be whole minutes")
        if self.update_clock not in CLOCKS:
            raise PlaybookConfigError(
                f"{name}.update_clock: {self.update_clock!r} is not one of 'business', 'calendar'"
            )
        roles = self.notify_roles
        if isinstance(roles, str) or not all(isinstance(r, str) and r.strip() for r in roles):
            raise PlaybookConfigError(f"{name}.notify_roles: must be a list of role names")
        object.__setattr__(self, "notify_roles", tuple(dict.fromkeys(r.strip() for r in roles)))
        steps = self.required_steps
        if isinstance(steps, str):
            raise PlaybookConfigError(f"{name}.required_steps: must be a list of step names")
        parsed: list[Step] = []
        for raw in steps:
            try:
                step = Step(raw)
            except ValueError:
                raise PlaybookConfigError(
                    f"{name}.required_steps: {raw!r} is not a step; choose from "
                    + ", ".join(s.value for s in _MIDDLE_STEPS)
                ) from None
            if step not in _MIDDLE_STEPS:
                raise PlaybookConfigError(
                    f"{name}.required_steps: {step.value!r} is always part of the playbook; "
                    "list only the steps between 'open' and 'closed'"
                )
            if step in parsed:
                raise PlaybookConfigError(f"{name}.required_steps: {step.value!r} is listed twice")
            parsed.append(step)
        # Stored in playbook order so checklists and messages read naturally.
        object.__setattr__(self, "required_steps", tuple(s for s in _MIDDLE_STEPS if s in parsed))


_SEVERITY_KEYS = {
    "title",
    "rank",
    "phone_call_required",
    "update_every",
    "update_clock",
    "stall_after",
    "notify_roles",
    "required_steps",
}
_REQUIRED_KEYS = _SEVERITY_KEYS - {"title", "notify_roles"}


def severities_from_dict(data: Mapping[str, Any]) -> dict[str, Severity]:
    """Build severities from ``{name: {key: value}}`` (the TOML file's shape).

    Durations may be strings (``"4h"``) or ``timedelta``. Raises :class:`PlaybookConfigError`
    naming the offending key (``major.update_every: ...``). Ranks must be unique.
    """
    if not isinstance(data, Mapping) or not data:
        raise PlaybookConfigError("severities: at least one severity must be defined")
    result: dict[str, Severity] = {}
    ranks: dict[int, str] = {}
    for name, table in data.items():
        if not isinstance(table, Mapping):
            raise PlaybookConfigError(f"{name}: must be a table of settings")
        unknown = sorted(set(table) - _SEVERITY_KEYS)
        if unknown:
            raise PlaybookConfigError(f"{name}.{unknown[0]}: unknown setting")
        missing = sorted(_REQUIRED_KEYS - set(table))
        if missing:
            raise PlaybookConfigError(f"{name}.{missing[0]}: missing")
        durations = {}
        for key in ("update_every", "stall_after"):
            value = table[key]
            durations[key] = (
                value if isinstance(value, timedelta) else parse_duration(value, f"{name}.{key}")
            )
        for key in ("notify_roles", "required_steps"):
            if key in table and not isinstance(table[key], list | tuple):
                raise PlaybookConfigError(f"{name}.{key}: must be a list")
        severity = Severity(
            name=name,
            title=table.get("title", str(name).replace("_", " ").capitalize()),
            rank=table["rank"],
            phone_call_required=table["phone_call_required"],
            update_every=durations["update_every"],
            update_clock=table["update_clock"],
            stall_after=durations["stall_after"],
            notify_roles=tuple(table.get("notify_roles", ())),
            required_steps=tuple(table["required_steps"]),
        )
        if severity.rank in ranks:
            raise PlaybookConfigError(
                f"{name}.rank: {severity.rank} is already the rank of {ranks[severity.rank]!r}; "
                "each severity needs its own rank"
            )
        ranks[severity.rank] = name
        result[name] = severity
    return result


def severities_to_dict(severities: Mapping[str, Severity]) -> dict[str, dict[str, Any]]:
    """The inverse of :func:`severities_from_dict` (TOML-ready: durations as ``"4h"``)."""
    return {
        name: {
            "title": s.title,
            "rank": s.rank,
            "phone_call_required": s.phone_call_required,
            "update_every": format_duration(s.update_every),
            "update_clock": s.update_clock,
            "stall_after": format_duration(s.stall_after),
            "notify_roles": list(s.notify_roles),
            "required_steps": [step.value for step in s.required_steps],
        }
        for name, s in sorted(severities.items(), key=lambda item: item[1].rank)
    }


def load_severities(text: str) -> dict[str, Severity]:
    """Parse a severities TOML document (the shape of ``ownup/core/severities.toml``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookConfigError(f"severities: not valid TOML ({exc})") from None
    return severities_from_dict(data)


DEFAULT_SEVERITIES: dict[str, Severity] = load_severities(
    resources.files("ownup.core").joinpath("severities.toml").read_text(encoding="utf-8")
)

