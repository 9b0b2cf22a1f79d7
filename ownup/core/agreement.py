"""The working agreement: a policy told in plain, warm English for the client.

Pure: takes a :class:`Policy` and the date of "today" and returns structured parts plus the
text ready to paste into an email. No jargon: "working hours" is explained once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ownup.core.clock import public_holidays
from ownup.core.policy import Policy

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

FRIENDLY_ZONES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Toronto": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Phoenix": "Mountain Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Vancouver": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "Europe/London": "UK time",
    "Europe/Dublin": "Irish time",
    "Europe/Lisbon": "Portugal time",
    "Europe/Paris": "Central European Time",
    "Europe/Berlin": "Central European Time",
    "Europe/Madrid": "Central European Time",
    "Europe/Rome": "Central European Time",
    "Europe/Amsterdam": "Central European Time",
    "Europe/Brussels": "Central European Time",
    "Europe/Vienna": "Central European Time",
    "Europe/Zurich": "Central European Time",
    "Europe/Stockholm": "Central European Time",
    "Europe/Copenhagen": "Central European Time",
    "Europe/Oslo": "Central European Time",
    "Europe/Warsaw": "Central European Time",
    "Europe/Prague": "Central European Time",
    "Europe/Athens": "Eastern European Time",
    "Europe/Helsinki": "Eastern European Time",
    "Asia/Kolkata": "India Standard Time",
    "Asia/Calcutta": "India Standard Time",
    "Asia/Singapore": "Singapore time",
    "Asia/Tokyo": "Japan time",
    "Asia/Dubai": "Gulf time",
    "Australia/Sydney": "Sydney time",
    "Australia/Melbourne": "Melbourne time",
    "Australia/Brisbane": "Brisbane time",
    "Australia/Perth": "Perth time",
    "Pacific/Auckland": "New Zealand time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}


def friendly_zone(name: str) -> str:
    """ "Eastern Time", "UK time"... for common zones, else the IANA name itself."""
    return FRIENDLY_ZONES.get(name, name)


@dataclass(frozen=True)
class DayOff:
    day: date
    description: str  # e.g. "Christmas Day (closed)" or "open 8 a.m. to 12 noon only"
    #: The public holiday's name inside ``description`` ("" for the policy's own dates): the
    #: calendar's words, not the sender's, so the tone check does not read them.
    holiday: str = ""


@dataclass(frozen=True)
class Agreement:
    """Structured parts of the working agreement; :meth:`as_text` joins them for an email."""

    policy_name: str
    client_name: str | None
    timezone_label: str
    hours_lines: tuple[str, ...]
    closed_days_line: str | None
    class_lines: tuple[str, ...]
    working_hours_note: str | None
    emergency_lines: tuple[str, ...]
    days_off: tuple[DayOff, ...] = field(default_factory=tuple)
    today: date | None = None
    #: Addressed to people ("Dear Ben and Ellie,") and signed by a person of the agency.
    contact_names: tuple[str, ...] = ()
    agency_name: str | None = None
    signed_by: str | None = None

    def addressed(self, *, contact_names=(), agency_name=None, signed_by=None) -> Agreement:
        from dataclasses import replace

        firsts = tuple(n.split()[0] for n in contact_names if n and n.strip())
        return replace(self, contact_names=firsts, agency_name=agency_name or None,
                       signed_by=signed_by or None)

    def as_text(self, *, holiday_names: bool = True) -> str:
        """The email's text. ``holiday_names=False`` blanks the public holidays' names with as
        many spaces (same length, so a tone finding's offsets hold for the text sent): the text
        the tone check reads ("Late Summer Bank Holiday" is a day's name, not an excuse)."""
        if self.contact_names:
            greeting = f"Dear {_join(list(self.contact_names))},"
        else:
            greeting = f"Dear {self.client_name}," if self.client_name else "Hello,"
        parts = [
            greeting,
            "",
            "Here is how we work together, so you always know when to expect a reply from us.",
            "",
            "Our hours",
            *self.hours_lines,
        ]
        if self.closed_days_line:
            parts.append(self.closed_days_line)
        parts += ["", "How quickly we reply", *(f"- {line}" for line in self.class_lines)]
        if self.working_hours_note:
            parts.append(self.working_hours_note)
        if self.emergency_lines:
            parts += ["", "In an emergency", *self.emergency_lines]
        parts += ["", "Days off and special hours in the next 12 months"]
        if self.days_off:
            parts += [f"- {_long_date(d.day)}: "
                      + (d.description if holiday_names or not d.holiday
                         else d.description.replace(d.holiday, " " * len(d.holiday)))
                      for d in self.days_off]
        else:
            parts.append("None planned: we keep our usual hours all year.")
        parts += [
            "",
            "If anything here does not suit you, tell us and we will work it out together.",
        ]
        if self.signed_by or self.agency_name:
            parts += ["", "Best regards,", *(x for x in (self.signed_by, self.agency_name) if x)]
        return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- wording helpers


def format_clock_time(minute: int) -> str:
    """480 -> "8 a.m.", 750 -> "12:30 p.m.", 720 -> "12 noon", 0 or 1440 -> "12 midnight"."""
    minute %= 1440
    if minute == 0:
        return "12 midnight"
    if minute == 720:
        return "12 noon"
    hour, mins = divmod(minute, 60)
    suffix = "a.m." if hour < 12 else "p.m."
    hour12 = hour % 12 or 12
    return f"{hour12}:{mins:02d} {suffix}" if mins else f"{hour12} {suffix}"


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _ranges_text(ranges) -> str:
    return _join([f"{format_clock_time(a)} to {format_clock_time(b)}" for a, b in ranges])


def _day_group(days: list[int]) -> str:
    if len(days) >= 3:
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return _join([DAY_NAMES[d] for d in days])


def _days_words(text: str) -> str:
    """A target written in days, in words: "2d" -> "2 business days"."""
    from .policy import parse_target

    target = parse_target(text)
    days = f"{target.days:g}"
    out = f"{days} business {'day' if target.days == 1 else 'days'}"
    if target.span:
        out += " and " + _duration_words(target.span, False)
    return out


def _duration_words(td: timedelta, working: bool) -> str:
    total = int(td.total_seconds()) // 60
    hours, minutes = divmod(total, 60)
    adjective = "working " if working else ""
    if hours and minutes:
        h = "hour" if hours == 1 else "hours"
        return f"{hours} {h} and {minutes} minutes" + (" of working time" if working else "")
    if hours:
        return f"{hours} {adjective}{'hour' if hours == 1 else 'hours'}"
    return f"{minutes} {adjective}{'minute' if minutes == 1 else 'minutes'}"


def _long_date(day: date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day.day} {day.strftime('%B %Y')}"


def _viewer_note(policy: Policy, weekday: int, ranges, viewer: str, today: date) -> str:
    """The same hours in the viewer's zone, on the next such weekday from today."""
    src, dst = ZoneInfo(policy.timezone), ZoneInfo(viewer)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    pieces = []
    for a, b in ranges:
        start = datetime.combine(day, time(), src) + timedelta(minutes=a)
        end = datetime.combine(day, time(), src) + timedelta(minutes=b)
        ls, le = start.astimezone(dst), end.astimezone(dst)
        text = f"{format_clock_time(ls.hour * 60 + ls.minute)} to "
        text += format_clock_time(le.hour * 60 + le.minute)
        shift = (ls.date() - day).days
        if le.date() > ls.date() and not (le.hour == 0 and le.minute == 0):
            text += " the next day"
        if shift:
            text = ("the following day, " if shift > 0 else "the day before, ") + text
        pieces.append(text)
    joined = _join(pieces)
    comma = "," if joined.endswith("day") else ""
    return f"(that is {joined}{comma} {friendly_zone(viewer)})"


# --------------------------------------------------------------------------- rendering


def render_agreement(
    policy: Policy,
    *,
    today: date,
    client_name: str | None = None,
    viewer_timezone: str | None = None,
) -> Agreement:
    """Render ``policy`` as a working agreement, listing days off from ``today`` for a year."""
    zone_label = friendly_zone(policy.timezone)
    if viewer_timezone == policy.timezone:
        viewer_timezone = None

    hours_lines: list[str] = []
    closed: list[int] = []
    weekday = 0
    while weekday < 7:
        ranges = policy.hours[weekday]
        if not ranges:
            closed.append(weekday)
            weekday += 1
            continue
        group = [weekday]
        while group[-1] + 1 < 7 and policy.hours[group[-1] + 1] == ranges:
            group.append(group[-1] + 1)
        line = f"{_day_group(group)}, {_ranges_text(ranges)} {zone_label}"
        if viewer_timezone:
            line += " " + _viewer_note(policy, group[0], ranges, viewer_timezone, today)
        hours_lines.append(line)
        weekday = group[-1] + 1
    closed_line = f"We are closed on {_join([DAY_NAMES[d] for d in closed])}." if closed else None
    if not hours_lines:
        hours_lines.append("We answer around the clock, every day of the year.")
        closed_line = None

    class_lines = []
    any_business = any_days = False
    for cls in policy.classes:
        working = cls.clock == "business"
        any_business |= working
        label = cls.name.replace("_", " ").replace("-", " ")
        ack = (_days_words(cls.acknowledge_text) if cls.acknowledge_text and working
               else _duration_words(cls.acknowledge, working))
        respond = (_days_words(cls.respond_text) if cls.respond_text and working
                   else _duration_words(cls.respond, working))
        any_days |= bool(working and (cls.acknowledge_text or cls.respond_text))
        line = f"We acknowledge {label} messages within {ack} and respond within {respond}"
        class_lines.append(line + ("." if working else ", around the clock, every day."))
    note = (
        '"Working hours" means time within our hours above; evenings, weekends and days off '
        "do not count."
        if any_business
        else None
    )
    if any_days:
        from .policy import business_day

        day = business_day(policy.hours)
        note = (f"{note} A business day is one of our usual open days: "
                f"{_duration_words(day, False)} of our hours.")

    emergency_lines = _emergency_lines(policy)
    return Agreement(
        policy_name=policy.name,
        client_name=client_name,
        timezone_label=zone_label,
        hours_lines=tuple(hours_lines),
        closed_days_line=closed_line,
        class_lines=tuple(class_lines),
        working_hours_note=note,
        emergency_lines=tuple(emergency_lines),
        days_off=tuple(_days_off(policy, today)),
        today=today,
    )


def _emergency_lines(policy: Policy) -> list[str]:
    lines = []
    if policy.emergency_description:
        lines.append(f"What counts as an emergency: {policy.emergency_description}")
    emergency_classes = [c for c in policy.classes if c.clock == "calendar"]
    if policy.emergency_phone:
        lines.append(
            f"Call us on {policy.emergency_phone}, day or night, and tell us it is an emergency."
        )
    elif emergency_classes or policy.emergency_description:
        lines.append('Write "emergency" at the start of your subject line so it reaches us first.')
    if emergency_classes:
        lines.append("We treat emergencies around the clock, weekends and holidays included.")
    return lines


def _days_off(policy: Policy, today: date) -> list[DayOff]:
    end = today + timedelta(days=365)
    special = dict(policy.special_hours)
    names: dict[date, str] = {}
    if policy.country:
        for year in range(today.year, end.year + 1):
            names.update(public_holidays(policy.country, policy.subdivision, year))
    out = []
    candidates = set(names) | set(policy.closed_dates) | set(special)
    for day in sorted(d for d in candidates if today <= d < end):
        if day in special:
            ranges = special[day]
            what = f"open {_ranges_text(ranges)} only" if ranges else "closed"
            if day in names:
                what = f"{names[day]}: {what}"
            out.append(DayOff(day, what, names.get(day, "")))
        elif day in names:
            if policy.hours[day.weekday()]:  # a holiday on a day we are closed anyway: skip
                out.append(DayOff(day, f"{names[day]} (closed)", names[day]))
        elif policy.hours[day.weekday()]:
            out.append(DayOff(day, "office closed"))
    return out
