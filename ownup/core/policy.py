"""Response policies: schema, validation and TOML/dict round-trips.

A policy says when the agency is open (timezone, weekly hours, days off, special hours), how
quickly each class of message is acknowledged and answered, and how a client raises an
emergency. :func:`policy_from_dict` validates a plain document (the TOML shape) and collects
*every* problem before refusing it, so a user fixes a file in one pass.

Internal types (all immutable, so a :class:`Policy` is hashable and safe to share):

- ``hours``: a tuple of 7 tuples (Monday first), each a sorted tuple of ``(start_minute,
  end_minute)`` pairs of local wall-clock minutes, ``0 <= start < end <= 1440`` (1440 is
  ``"24:00"``); ranges never overlap (they may touch).
- ``closed_dates``: sorted tuple of :class:`datetime.date`.
- ``special_hours``: tuple of ``(date, ranges)`` pairs sorted by date, ranges as in ``hours``;
  an empty ranges tuple means closed that day.
- ``classes``: tuple of :class:`MessageClass` in document order; ``routine``, ``urgent`` and
  ``emergency`` are always present (defaults fill in whatever the document does not define).
- ``triage_*``: tuples of strings.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from ownup.core.clock import BusinessClock, CalendarClock

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCKS = ("business", "calendar")

Ranges = tuple[tuple[int, int], ...]

DEFAULT_POLICY: dict[str, Any] = {
    "name": "Standard retainer",
    "timezone": "America/New_York",
    "hours": {day: ["08:00-18:00"] for day in WEEKDAYS[:5]},
    "classes": {
        "routine": {"acknowledge": "4h", "respond": "1 business day", "clock": "business"},
        "urgent": {"acknowledge": "1h", "respond": "8h", "clock": "business"},
        "emergency": {"acknowledge": "30m", "respond": "2h", "clock": "calendar"},
    },
}


class PolicyError(ValueError):
    """An invalid policy document; ``problems`` lists every ``(key, message)`` found."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.problems))


@dataclass(frozen=True)
class MessageClass:
    """A class of message and its two targets, measured on the named clock."""

    name: str
    acknowledge: timedelta
    respond: timedelta
    clock: str = "business"
    #: The targets as written when they count days ("2 business days"), kept so that the
    #: document and the working agreement say what the person wrote; "" for plain durations.
    acknowledge_text: str = ""
    respond_text: str = ""


@dataclass(frozen=True)
class Policy:
    """A validated response policy (see the module docstring for the field types)."""

    name: str
    timezone: str
    hours: tuple[Ranges, ...]
    country: str | None
    subdivision: str | None
    closed_dates: tuple[date, ...]
    special_hours: tuple[tuple[date, Ranges], ...]
    classes: tuple[MessageClass, ...]
    emergency_phone: str | None = None
    emergency_description: str | None = None
    triage_emergency_keywords: tuple[str, ...] = ()
    triage_urgent_keywords: tuple[str, ...] = ()
    triage_vip_contacts: tuple[str, ...] = ()
    # Clocks are built on first use and shared; excluded from equality and hashing.
    _clocks: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.classes)

    def message_class(self, name: str) -> MessageClass:
        """The class called ``name``; ``KeyError`` naming the known classes otherwise."""
        for cls in self.classes:
            if cls.name == name:
                return cls
        known = ", ".join(self.class_names)
        raise KeyError(f"unknown message class {name!r} (this policy has: {known})")

    def business_clock(self) -> BusinessClock:
        clock = self._clocks.get("business")
        if clock is None:
            clock = self._clocks["business"] = build_business_clock(self)
        return clock

    def calendar_clock(self) -> CalendarClock:
        clock = self._clocks.get("calendar")
        if clock is None:
            clock = self._clocks["calendar"] = CalendarClock()
        return clock

    def clock(self, class_name: str) -> BusinessClock | CalendarClock:
        """The clock the class ``class_name`` is measured on (cached per policy)."""
        cls = self.message_class(class_name)
        return self.calendar_clock() if cls.clock == "calendar" else self.business_clock()

    def deadlines(
        self, class_name: str, received: datetime, pauses=()
    ) -> tuple[datetime, datetime]:
        """``(acknowledge_by, respond_by)`` in UTC for a message received at ``received``."""
        cls = self.message_class(class_name)
        clock = self.calendar_clock() if cls.clock == "calendar" else self.business_clock()
        return (
            clock.deadline(received, cls.acknowledge, pauses),
            clock.deadline(received, cls.respond, pauses),
        )


# --------------------------------------------------------------------------- durations

_DURATION_RE = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def parse_duration(text: str) -> timedelta:
    """Parse ``"30m"``, ``"4h"``, ``"1h30m"``, ``"90s"`` (units h, m, s in that order)."""
    if not isinstance(text, str):
        raise ValueError(f"duration must be a string like '4h' or '1h30m', not {text!r}")
    cleaned = text.strip().lower()
    match = _DURATION_RE.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        hint = " (use hours, e.g. '24h')" if cleaned.endswith("d") else ""
        raise ValueError(
            f"bad duration {text!r}: expected hours/minutes/seconds like '30m', '4h', '1h30m'{hint}"
        )
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


_TARGET_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(business\s+days?|working\s+days?|days?|d|hours?|hrs?|h|"
    r"minutes?|mins?|m|seconds?|secs?|s)(?=[\d\s,]|$)",
    re.IGNORECASE,
)
_TARGET_GLUE = re.compile(r"[\s,]*(?:and)?[\s,]*", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """A response target as written: whole or part ``days`` plus a plain ``span``."""

    days: float
    span: timedelta
    text: str

    def resolve(self, day: timedelta) -> timedelta:
        """The target as a duration, a day being ``day`` long (open hours, or 24h)."""
        return timedelta(seconds=round(self.days * day.total_seconds())) + self.span


def parse_target(text: Any) -> Target:
    """Parse a response target: ``"4h"``, ``"1h30m"``, ``"45 minutes"``, ``"1d"``,
    ``"2 business days"``, ``"1 business day 4h"``. A day is a business day on a business
    clock (the policy's own open hours) and 24 hours on a calendar clock."""
    hint = ("write hours and minutes ('4h', '1h30m', '45 minutes') or business days "
            "('1 business day', '2d')")
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration: {hint}")
    cleaned = " ".join(text.strip().split())
    days, seconds, pos = 0.0, 0.0, 0
    found = False
    for m in _TARGET_RE.finditer(cleaned):
        if not _TARGET_GLUE.fullmatch(cleaned[pos:m.start()]):
            break
        value, unit = float(m.group(1)), m.group(2).lower()
        if unit[0] in "bwd":
            days += value
        elif unit[0] == "h":
            seconds += value * 3600
        elif unit[0] == "m":
            seconds += value * 60
        else:
            seconds += value
        pos, found = m.end(), True
    if not found or not _TARGET_GLUE.fullmatch(cleaned[pos:]):
        raise ValueError(f"{text.strip()!r} is not a duration: {hint}")
    return Target(days, timedelta(seconds=round(seconds)), cleaned if days else "")


def business_day(hours: tuple[Ranges, ...]) -> timedelta:
    """How long one business day is: the open hours of the policy's usual open day (the
    length most weekdays share; on a tie the longer). Zero when the week has no hours."""
    lengths = [sum(b - a for a, b in ranges) for ranges in hours if ranges]
    if not lengths:
        return timedelta(0)
    usual = max(set(lengths), key=lambda n: (lengths.count(n), n))
    return timedelta(minutes=usual)


def business_day_text(hours: tuple[Ranges, ...]) -> str:
    """"8h30m (09:00-17:30)": one business day and the hours it is made of."""
    day = business_day(hours)
    minutes = int(day.total_seconds()) // 60
    usual = next((r for r in hours if sum(b - a for a, b in r) == minutes), ())
    return f"{format_duration(day)} ({', '.join(format_range(r) for r in usual)})"


def format_duration(td: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(hours=1, minutes=30)`` -> ``"1h30m"``."""
    if td < timedelta(0) or td.microseconds:
        raise ValueError(f"cannot format {td!r}: whole non-negative seconds only")
    total = int(td.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{v}{u}" for v, u in ((hours, "h"), (minutes, "m"), (seconds, "s")) if v]
    return "".join(parts) or "0m"


# --------------------------------------------------------------------------- ranges

_TIME_RE = re.compile(r"(\d{2}):(\d{2})")


def _parse_minute(text: str, *, is_end: bool) -> int:
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"bad time {text.strip()!r} (expected HH:MM)")
    hh, mm = int(match[1]), int(match[2])
    if hh == 24 and mm == 0 and is_end:
        return 1440
    if hh > 23 or mm > 59:
        raise ValueError(
            f"bad time {text.strip()!r} (hours 00-23, minutes 00-59; 24:00 only as an end)"
        )
    return hh * 60 + mm


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_range(rng: tuple[int, int]) -> str:
    return f"{format_minute(rng[0])}-{format_minute(rng[1])}"


def _parse_ranges(value: Any, key: str, problems: list[tuple[str, str]]) -> Ranges:
    if not isinstance(value, list):
        problems.append((key, 'must be a list of "HH:MM-HH:MM" ranges'))
        return ()
    ranges: list[tuple[int, int]] = []
    ok = True
    for item in value:
        if not isinstance(item, str) or item.count("-") != 1:
            problems.append((key, f'bad range {item!r} (expected "HH:MM-HH:MM")'))
            ok = False
            continue
        start_text, end_text = item.split("-")
        try:
            start = _parse_minute(start_text, is_end=False)
            end = _parse_minute(end_text, is_end=True)
        except ValueError as exc:
            problems.append((key, f"range {item!r}: {exc}"))
            ok = False
            continue
        if end <= start:
            what = "is empty" if end == start else "is reversed (end before start)"
            problems.append((key, f"range {format_range((start, end))} {what}"))
            ok = False
            continue
        ranges.append((start, end))
    ranges.sort()
    for prev, cur in zip(ranges, ranges[1:], strict=False):
        if cur[0] < prev[1]:
            problems.append((key, f"ranges {format_range(prev)} and {format_range(cur)} overlap"))
            ok = False
    return tuple(ranges) if ok else ()


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD, without a time)")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)")


def _string_list(value: Any, key: str, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append((key, "must be a list of non-empty strings"))
        return ()
    return tuple(v.strip() for v in value)


def written_problems(policy: Policy) -> list[tuple[str, str]]:
    """What is refused when a policy is written (created, edited, imported, checked), beyond
    what ``policy_from_dict`` refuses. A stored policy is still read: one saved before a rule
    existed keeps every client's clock running.

    The emergency phone is one the working agreement tells the client to call ("Call us on …"),
    so it must be a number someone can dial."""
    from ownup.core.phone import PhoneError, clean_phone

    problems: list[tuple[str, str]] = []
    if policy.emergency_phone:
        try:
            clean_phone(policy.emergency_phone)
        except PhoneError as exc:
            problems.append(("emergency.phone", str(exc)))
    return problems


def _optional_text(value: Any, key: str, problems: list[tuple[str, str]]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append((key, "must be a string"))
        return None
    return value.strip() or None


def _unknown_keys(
    data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str, problems: list
) -> None:
    for key in data:
        if key not in allowed:
            problems.append((f"{prefix}{key}", "unknown key"))


def _table(data: Mapping[str, Any], key: str, problems: list) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        problems.append((key, "must be a table"))
        return {}
    return value


# --------------------------------------------------------------------------- dict <-> Policy

_TOP_KEYS = (
    "name", "timezone", "hours", "days_off", "special_hours", "classes", "emergency", "triage",
)  # fmt: skip


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """Validate a policy document and build a :class:`Policy`; raise :class:`PolicyError`."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, Mapping):
        raise PolicyError([("policy", "must be a table")])
    _unknown_keys(data, _TOP_KEYS, "", problems)

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(("name", "is required (a non-empty string)"))
        name = ""

    tz_name = data.get("timezone")
    if not isinstance(tz_name, str) or not tz_name.strip():
        problems.append(("timezone", "is required (an IANA name such as 'America/New_York')"))
        tz_name = "UTC"
    else:
        try:
            ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(("timezone", f"unknown timezone {tz_name!r}"))

    # hours
    if "hours" not in data:
        problems.append(("hours", "is required (a table of weekday ranges)"))
    hours_table = _table(data, "hours", problems)
    for key in hours_table:
        if key not in WEEKDAYS:
            problems.append((f"hours.{key}", f"unknown weekday (use {', '.join(WEEKDAYS)})"))
    hours = tuple(
        _parse_ranges(hours_table[day], f"hours.{day}", problems) if day in hours_table else ()
        for day in WEEKDAYS
    )

    # days off
    days_off = _table(data, "days_off", problems)
    _unknown_keys(days_off, ("country", "subdivision", "dates"), "days_off.", problems)
    country = _optional_text(days_off.get("country"), "days_off.country", problems)
    subdivision = _optional_text(days_off.get("subdivision"), "days_off.subdivision", problems)
    if subdivision and not country:
        problems.append(("days_off.subdivision", "needs days_off.country"))
    elif country:
        problem = _check_country(country, subdivision)
        if problem:
            problems.append(problem)
    closed: set[date] = set()
    dates_value = days_off.get("dates", [])
    if not isinstance(dates_value, list):
        problems.append(("days_off.dates", "must be a list of YYYY-MM-DD dates"))
    else:
        for item in dates_value:
            try:
                closed.add(_parse_date(item))
            except ValueError as exc:
                problems.append(("days_off.dates", str(exc)))

    # special hours
    special: dict[date, Ranges] = {}
    for key, value in _table(data, "special_hours", problems).items():
        full_key = f"special_hours.{key}"
        try:
            day = _parse_date(key)
        except ValueError as exc:
            problems.append((full_key, str(exc)))
            continue
        if day in special:
            problems.append((full_key, "date given twice"))
        special[day] = _parse_ranges(value, full_key, problems)

    classes = _parse_classes(_table(data, "classes", problems), problems, business_day(hours))
    open_somewhere = any(hours) or any(r for r in special.values())
    if not open_somewhere:
        for cls in classes:
            if cls.clock == "business":
                problems.append(
                    (
                        f"classes.{cls.name}.clock",
                        "business clock, but the policy has no open hours "
                        '(add hours or use clock = "calendar")',
                    )
                )

    emergency = _table(data, "emergency", problems)
    _unknown_keys(emergency, ("phone", "description"), "emergency.", problems)
    triage = _table(data, "triage", problems)
    triage_keys = ("emergency_keywords", "urgent_keywords", "vip_contacts")
    _unknown_keys(triage, triage_keys, "triage.", problems)
    triage_values = {
        k: _string_list(triage[k], f"triage.{k}", problems) if k in triage else ()
        for k in triage_keys
    }
    phone = _optional_text(emergency.get("phone"), "emergency.phone", problems)
    if phone:  # cleaned when it is a number; refused on writing only (``written_problems``)
        from ownup.core.phone import PhoneError, clean_phone

        try:
            phone = clean_phone(phone)
        except PhoneError:
            pass
    description = _optional_text(emergency.get("description"), "emergency.description", problems)

    if problems:
        raise PolicyError(problems)
    return Policy(
        name=name.strip(),
        timezone=tz_name,
        hours=hours,
        country=country,
        subdivision=subdivision,
        closed_dates=tuple(sorted(closed)),
        special_hours=tuple(sorted(special.items())),
        classes=classes,
        emergency_phone=phone,
        emergency_description=description,
        triage_emergency_keywords=triage_values["emergency_keywords"],
        triage_urgent_keywords=triage_values["urgent_keywords"],
        triage_vip_contacts=triage_values["vip_contacts"],
    )


def _check_country(country: str, subdivision: str | None) -> tuple[str, str] | None:
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        return ("days_off.country", f"unknown country {country!r} (use an ISO code like 'US')")
    if subdivision is None:
        return None
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        return ("days_off.subdivision", f"unknown subdivision {subdivision!r} of {country}")
    return None


def _parse_classes(table: Mapping[str, Any], problems: list,
                   day: timedelta = timedelta(hours=24)) -> tuple[MessageClass, ...]:
    defaults = {name: spec for name, spec in DEFAULT_POLICY["classes"].items()}
    merged: dict[str, Any] = dict(defaults)
    merged.update(table)
    result = []
    for name, spec in merged.items():
        key = f"classes.{name}"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            problems.append((key, "class names use letters, digits, '-' and '_' only"))
            continue
        if not isinstance(spec, Mapping):
            problems.append((key, "must be a table with acknowledge and respond"))
            continue
        _unknown_keys(spec, ("acknowledge", "respond", "clock"), f"{key}.", problems)
        clock = spec.get("clock", "business")
        length = day if clock == "business" else timedelta(hours=24)
        targets, texts = {}, {}
        for target in ("acknowledge", "respond"):
            if target not in spec:
                problems.append((f"{key}.{target}", "is required (a duration like '4h')"))
                continue
            try:
                parsed = parse_target(spec[target])
            except ValueError as exc:
                problems.append((f"{key}.{target}", str(exc)))
                continue
            if parsed.days and not length:
                problems.append((f"{key}.{target}", "counts business days, but the policy "
                                 "has no open hours to make a business day of"))
                continue
            targets[target], texts[target] = parsed.resolve(length), parsed.text
            if targets[target] <= timedelta(0):
                problems.append((f"{key}.{target}", "must be longer than zero"))
        if clock not in CLOCKS:
            problems.append((f"{key}.clock", f"unknown clock {clock!r} (business or calendar)"))
        elif len(targets) == 2:
            result.append(MessageClass(name, targets["acknowledge"], targets["respond"], clock,
                                       texts["acknowledge"], texts["respond"]))
    return tuple(result)


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """The document for ``policy``: JSON-serialisable, the TOML shape, round-trips."""
    out: dict[str, Any] = {"name": policy.name, "timezone": policy.timezone}
    out["hours"] = {
        day: [format_range(r) for r in ranges]
        for day, ranges in zip(WEEKDAYS, policy.hours, strict=True)
        if ranges
    }
    days_off: dict[str, Any] = {}
    if policy.country:
        days_off["country"] = policy.country
    if policy.subdivision:
        days_off["subdivision"] = policy.subdivision
    if policy.closed_dates:
        days_off["dates"] = [d.isoformat() for d in policy.closed_dates]
    if days_off:
        out["days_off"] = days_off
    if policy.special_hours:
        out["special_hours"] = {
            d.isoformat(): [format_range(r) for r in ranges] for d, ranges in policy.special_hours
        }
    out["classes"] = {
        c.name: {
            "acknowledge": c.acknowledge_text or format_duration(c.acknowledge),
            "respond": c.respond_text or format_duration(c.respond),
            "clock": c.clock,
        }
        for c in policy.classes
    }
    emergency_items = (
        ("phone", policy.emergency_phone),
        ("description", policy.emergency_description),
    )
    emergency = {k: v for k, v in emergency_items if v}
    if emergency:
        out["emergency"] = emergency
    triage = {
        k: list(v)
        for k, v in (
            ("emergency_keywords", policy.triage_emergency_keywords),
            ("urgent_keywords", policy.triage_urgent_keywords),
            ("vip_contacts", policy.triage_vip_contacts),
        )
        if v
    }
    if triage:
        out["triage"] = triage
    return out


def load_policy(text: str) -> Policy:
    """Parse and validate TOML text; syntax errors become a :class:`PolicyError` too."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([("toml", f"syntax error: {exc}")]) from None
    return policy_from_dict(data)


def dump_policy(policy: Policy) -> str:
    """TOML text for ``policy`` (``load_policy(dump_policy(p)) == p``)."""
    return tomli_w.dumps(policy_to_dict(policy))


def build_business_clock(policy: Policy) -> BusinessClock:
    """A new business clock on the policy's hours, closed dates and holidays (``policy.clock``
    and ``business_clock`` cache one per policy)."""
    return BusinessClock(
        policy.timezone,
        policy.hours,
        closed_dates=policy.closed_dates,
        country=policy.country,
        subdivision=policy.subdivision,
        special_hours=dict(policy.special_hours),
    )


# --------------------------------------------------------------------------- sentences

_DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday"), strict=True))
_LABELS = {
    "name": "The name", "timezone": "The time zone", "hours": "The opening hours",
    "days_off": "The days off", "days_off.country": "The public holidays' country",
    "days_off.subdivision": "The public holidays' region",
    "days_off.dates": "The closed dates", "special_hours": "The special hours",
    "classes": "The classes", "emergency": "The emergency section",
    "emergency.phone": "The emergency phone", "emergency.description":
    "What counts as an emergency", "triage": "The triage section", "toml": "The file",
    "policy": "The policy",
}


def _label(key: str) -> str:
    parts = key.split(".")
    if parts[0] == "classes" and len(parts) >= 2:
        name = parts[1].replace("_", " ").replace("-", " ").capitalize()
        if len(parts) == 3 and parts[2] in ("acknowledge", "respond"):
            return f"{name}: the {parts[2]} time"
        if len(parts) == 3 and parts[2] == "clock":
            return f"{name}: the clock"
        return name
    if parts[0] == "hours" and len(parts) == 2 and parts[1] in _DAY_NAMES:
        return f"{_DAY_NAMES[parts[1]]}'s hours"
    if parts[0] == "special_hours" and len(parts) == 2:
        return f"The hours on {parts[1]}"
    if parts[0] == "triage" and len(parts) == 2:
        return f"The triage {parts[1].replace('_', ' ')}"
    return _LABELS.get(key, key.replace("_", " ").replace(".", " ").capitalize())


def problem_sentence(key: str, message: str) -> str:
    """One problem as a sentence a person reads ("Routine: the respond time '1d' is not a
    duration: …"), never a schema path."""
    label = _label(key)
    joined = message.startswith(("is ", "must ", "needs ", "counts ", "'", '"'))
    text = f"{label} {message}" if joined else f"{label}: {message}"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!", ")")) else text + "."
