"""Default client-facing message templates and their renderer.

The defaults live in ``drafts.toml`` next to this module; a workspace may override subject and
body (stored by the web layer). Placeholders use ``string.Template`` syntax (``$contact_name`` or
``${contact_name}``, ``$$`` for a dollar sign). A placeholder without a value renders as a visible
marker such as ``[what happened]`` so a half-filled draft never fails and never hides the gap.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from importlib import resources
from string import Template

DRAFT_KINDS = (
    "acknowledgement",
    "apology",
    "status_update",
    "fix_shown",
    "closing",
    "off_hours_emergency",
    "agreement_cover",
)

# Known placeholders and what they hold (shown in the template editor).
PLACEHOLDERS: dict[str, str] = {
    "contact_name": "the client contact's first name",
    "client_name": "the client organisation",
    "sender_name": "the person sending the message",
    "subject_line": "a short name for the matter, e.g. 'the spring launch press release'",
    "what_happened": "what went wrong, in one plain sentence",
    "our_share": "the agency's share of it, e.g. 'we sent the release before checking the embargo'",
    "fix": "what has been fixed, or how and when it will be",
    "prevention": "the measure that stops it happening again",
    "next_step": "the next concrete action, e.g. 'call you to go through the options'",
    "next_step_time": "when that happens, from the policy and the plan, e.g. '2 p.m. today'",
    "update_time": "when the next update will be sent",
    "phone": "the number to call: the sender's own (their profile), else the emergency line",
    "agreement_text": "the rendered working agreement",
}

# Realistic values, used by the tests (every default passes the tone check) and for previews.
SAMPLE_VALUES: dict[str, str] = {
    "contact_name": "Marcus",
    "client_name": "Northwind Foods",
    "sender_name": "Helen Price, Account Director",
    "subject_line": "the spring launch press release",
    "what_happened": "the press release went to the embargoed media list a day early",
    "our_share": "we sent it before checking the embargo time against the plan",
    "fix": "every outlet on the list has agreed to hold the story until Thursday",
    "prevention": "every release now gets a second person's check of the embargo time",
    "next_step": "call you to go through the coverage plan",
    "next_step_time": "2 p.m. today",
    "update_time": "5 p.m.",
    "phone": "07700 900123",
    "agreement_text": (
        "Routine messages: acknowledged within 4 business hours, answered within 1 business day.\n"
        "Emergencies: acknowledged within 30 minutes, around the clock."
    ),
}


@dataclass(frozen=True)
class DraftTemplate:
    key: str
    title: str
    tone_kind: str
    subject: str
    body: str
    placeholders: tuple[str, ...]

    def with_text(self, *, subject: str | None = None, body: str | None = None) -> DraftTemplate:
        """A copy with a workspace's overridden subject and/or body."""
        new_subject = self.subject if subject is None else subject
        new_body = self.body if body is None else body
        names = tuple(sorted(placeholders_of(new_subject) | placeholders_of(new_body)))
        return replace(self, subject=new_subject, body=new_body, placeholders=names)


def placeholders_of(text: str) -> set[str]:
    """Names of the ``$placeholders`` used in text (``$$`` escapes are ignored)."""
    found: set[str] = set()
    for m in Template.pattern.finditer(text):
        name = m.group("named") or m.group("braced")
        if name:
            found.add(name)
    return found


def marker(name: str) -> str:
    """The visible stand-in for a missing value: ``what_happened`` -> ``[what happened]``."""
    return "[" + name.replace("_", " ") + "]"


def _fill(text: str, values: Mapping[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group("escaped") is not None:
            return "$"
        name = m.group("named") or m.group("braced")
        if name:
            value = values.get(name)
            if value is None or not str(value).strip():
                return marker(name)
            return str(value).strip()
        return m.group(0)  # an invalid "$" stays as written

    return Template.pattern.sub(sub, text)


#: A promised time closer than this is no promise a person can keep: left for them to set.
PROMISE_MARGIN = timedelta(minutes=10)


def promise_time(due: datetime | None, now: datetime, tz: tzinfo) -> str:
    """``due`` as the client reads it, on the client's clock ("16:00 today", "09:00 on Monday
    7 December"); "" (the person decides) when there is none or it is past or too close."""
    if due is None or due - now < PROMISE_MARGIN:
        return ""
    local, today = due.astimezone(tz), now.astimezone(tz).date()
    if local.date() == today:
        return f"{local:%H:%M} today"
    if local.date() == today + timedelta(days=1):
        return f"{local:%H:%M} tomorrow"
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"


@lru_cache(maxsize=1)
def _defaults() -> dict[str, DraftTemplate]:
    raw = resources.files("ownup.core").joinpath("drafts.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    out: dict[str, DraftTemplate] = {}
    for key in DRAFT_KINDS:
        entry = data[key]
        subject, body = str(entry["subject"]), str(entry["body"])
        out[key] = DraftTemplate(
            key=key,
            title=str(entry["title"]),
            tone_kind=str(entry["tone_kind"]),
            subject=subject,
            body=body,
            placeholders=tuple(sorted(placeholders_of(subject) | placeholders_of(body))),
        )
    return out


def default_templates() -> dict[str, DraftTemplate]:
    """The packaged default templates, keyed by DRAFT_KINDS (a fresh dict each call)."""
    return dict(_defaults())


def render_draft(template: DraftTemplate | str, values: Mapping[str, str]) -> tuple[str, str]:
    """Fill a template (or a default template's key); returns (subject, body).

    Missing or blank values render as ``[name with spaces]``; the subject is one line.
    """
    if isinstance(template, str):
        defaults = _defaults()
        if template not in defaults:
            raise KeyError(f"unknown draft template {template!r}; known: {', '.join(DRAFT_KINDS)}")
        template = defaults[template]
    subject = " ".join(_fill(template.subject, values).split())
    return subject, _fill(template.body, values)
