"""Markdown and PDF of a post-mortem; ``client_safe`` leaves out internal notes, action item
owners and the override record (the shared link shows that version)."""

from __future__ import annotations

from django.utils import timezone

from ownup.ui.pdf import text_pdf


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
             + (f" · Published {timezone.localtime(pm.published_at):%Y-%m-%d}"
                if pm.published_at else f" · {pm.get_status_display()}"), ""]
    lines += _section("Summary", pm.summary)
    lines += _section("Client impact", pm.client_impact)
    lines += ["## Timeline", ""]
    lines += [f"- {_when(r.get('at', ''))} {r.get('text', '')}".replace("-  ", "- ")
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
    return "\n".join(lines).rstrip() + "\n"


def postmortem_pdf(pm, *, client_safe: bool = False) -> bytes:
    text = postmortem_markdown(pm, client_safe=client_safe)
    body = "\n".join(text.splitlines()[2:]).replace("## ", "").replace("### ", "")
    body = body.replace("_Nothing written._", "-").replace("_None._", "-")
    return text_pdf(f"Post-mortem: {pm.incident.title}", body,
                    subtitle=f"{pm.incident.client.name} - {pm.get_status_display()}")
