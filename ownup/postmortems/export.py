"""Markdown and PDF of a post-mortem; ``client_safe`` leaves out internal notes, action item
owners and the override record (the shared link shows that version), and its timeline is only
what the client saw or was promised (the messages sent to them, the calls, the dates agreed),
dated on the client's clock ("6 December 2026, 23:19"). The PDF renders the Markdown (no
"#" or "**" printed)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from ownup.ui.pdf import text_pdf


def _client_tz(client) -> ZoneInfo:
    from ownup.policies.selectors import policy_for_client

    try:
        return ZoneInfo(policy_for_client(client).timezone)
    except Exception:  # noqa: BLE001 - a broken policy must not break the export
        return ZoneInfo("UTC")


def client_when(at: datetime, tz: ZoneInfo) -> str:
    """A date and time as the client reads it: "6 December 2026, 23:19"."""
    local = at.astimezone(tz)
    return f"{local.day} {local:%B %Y, %H:%M}"


def client_timeline(incident) -> list[str]:
    """What the client saw or was promised, in time order: every message sent or recorded to
    them, every call or meeting that informed them, every date agreed in the plan."""
    from ownup.incidents.selectors import facts_of

    tz = _client_tz(incident.client)
    rows: list[tuple[datetime, str]] = []
    for m in incident.messages.order_by("sent_at"):
        rows.append((m.sent_at, f"We wrote to you: {m.subject}"))
    facts = facts_of(incident)
    for told in facts.informed:
        channel = str(getattr(told.channel, "value", told.channel))
        if channel in ("phone", "meeting"):
            rows.append((told.at, "We called you" if channel == "phone" else "We met you"))
    if facts.plan is not None:
        for d in facts.plan.timelines:
            rows.append((facts.plan.at, f"We agreed a new date for {d.deliverable}: "
                         f"{d.revised.day} {d.revised:%B %Y} (was {d.original.day} "
                         f"{d.original:%B %Y})"))
    rows.sort(key=lambda r: r[0])
    return [f"- {client_when(at, tz)} — {text}" for at, text in rows]


def _when(iso: str) -> str:
    from datetime import datetime

    try:
        at = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    if timezone.is_aware(at):
        at = timezone.localtime(at)
    return at.strftime("%Y-%m-%d %H:%M")


def _section(title: str, text: str) -> list[str]:
    text = (text or "").strip()
    return [f"## {title}", "", text or "_Nothing written._", ""]


def postmortem_markdown(pm, *, client_safe: bool = False) -> str:
    incident = pm.incident
    lines = [f"# Post-mortem: {incident.title}", "",
             f"Client: {incident.client.name} · Severity: {incident.get_severity_display()}"
             + ((f" · Published {client_when(pm.published_at, _client_tz(incident.client))}"
                 if client_safe else
                 f" · Published {timezone.localtime(pm.published_at):%Y-%m-%d}")
                if pm.published_at else f" · {pm.get_status_display()}"), ""]
    lines += _section("Summary", pm.summary)
    lines += _section("Client impact", pm.client_impact)
    lines += ["## Timeline", ""]
    if client_safe:
        lines += client_timeline(incident) or ["_No timeline._"]
    else:
        lines += [f"- {_when(r.get('at', ''))} — {r.get('text', '')}".replace("-  — ", "- ")
                  for r in pm.timeline] or ["_No timeline._"]
    lines += [""]
    lines += _section("Root causes", pm.root_causes)
    whys = [w for w in pm.five_whys if w]
    if whys:
        lines += ["### Five whys", ""] + [f"{n}. {w}" for n, w in enumerate(whys, 1)] + [""]
    lines += _section("What went well", pm.went_well)
    lines += _section("What could have gone better", pm.could_be_better)
    learnings = list(pm.learnings.all())
    lines += ["## Learnings", ""]
    lines += [f"- {x.statement} ({x.get_category_display()}"
              + (f", {x.service_line}" if x.service_line else "") + ")"
              for x in learnings] or ["_None recorded._"]
    lines += ["", "## Action items", ""]
    items = list(pm.action_items.select_related("owner"))
    rows = []
    for item in items:
        bits = [item.get_status_display()]
        if item.due:
            bits.append(f"due {item.due.isoformat()}")
        if item.owner and not client_safe:
            bits.append(f"owner {item.owner.get_full_name() or item.owner.email}")
        rows.append(f"- {item.what} ({', '.join(bits)})")
    lines += rows or ["_None._"]
    lines += [""]
    if not client_safe:
        lines += _section("Internal notes", pm.internal_notes)
        if pm.override_reason:
            who = pm.override_by.get_full_name() if pm.override_by else "a director"
            lines += ["## Blame check override", "",
                      f"Published with {len(pm.override_findings)} open finding(s) by {who}: "
                      f"{pm.override_reason}", ""]
    out = "\n".join(lines).rstrip() + "\n"
    if client_safe:
        refuse_placeholders(out)
    return out


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\3(?![\w*])")


def markdown_plain(text: str) -> str:
    """Markdown as plain lines for the PDF: headings without "#", links as "text (url)",
    emphasis markers dropped, bullets as "- "."""
    out = []
    for line in text.splitlines():
        line = _HEADING.sub("", line)
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
        line = _LINK.sub(r"\1 (\2)", line)
        line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), line)
        out.append(line)
    return "\n".join(out)


def refuse_placeholders(text: str) -> None:
    """A client-safe export goes to the client: an unfilled placeholder stops it."""
    from ownup.core.tone import placeholders

    gaps = placeholders.find(text)
    if gaps:
        raise ValidationError("Fill in every placeholder before this goes to the client: "
                              + ", ".join(p.text for p in gaps[:5]) + ".")


def postmortem_pdf(pm, *, client_safe: bool = False) -> bytes:
    text = postmortem_markdown(pm, client_safe=client_safe)
    body = "\n".join(text.splitlines()[2:])
    body = body.replace("_Nothing written._", "-").replace("_None._", "-")
    body = markdown_plain(body)
    return text_pdf(f"Post-mortem: {pm.incident.title}", body,
                    subtitle=f"{pm.incident.client.name} - {pm.get_status_display()}")
