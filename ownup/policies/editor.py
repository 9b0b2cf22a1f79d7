"""The policy editor's form <-> document mapping (web only; the API takes documents)."""

from __future__ import annotations

import re
from typing import Any

from ownup.core.policy import WEEKDAYS

DAY_LABELS = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday"), strict=True))
BLANK_CLASS_ROWS = 2
TOP_FIELDS = ("name", "timezone", "country", "subdivision", "closed_dates",
              "emergency_phone", "emergency_description")


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text or "") if part.strip()]


def document_from_post(data, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A policy document from the editor's fields. Keys the editor does not show
    (special hours, triage) are kept from ``base``."""
    doc: dict[str, Any] = {
        "name": data.get("name", "").strip(),
        "timezone": data.get("timezone", "").strip(),
    }
    hours = {day: _split(data.get(f"hours_{day}", "")) for day in WEEKDAYS}
    doc["hours"] = {day: ranges for day, ranges in hours.items() if ranges}
    days_off: dict[str, Any] = {}
    for key in ("country", "subdivision"):
        if value := data.get(key, "").strip():
            days_off[key] = value
    if dates := _split(data.get("closed_dates", "")):
        days_off["dates"] = dates
    if days_off:
        doc["days_off"] = days_off
    classes: dict[str, Any] = {}
    names = data.getlist("class_name") if hasattr(data, "getlist") else data.get("class_name", [])
    acks = _list(data, "class_acknowledge")
    responds = _list(data, "class_respond")
    clocks = _list(data, "class_clock")
    for i, name in enumerate(names):
        name = name.strip()
        if not name:
            continue
        classes[name] = {
            "acknowledge": _at(acks, i),
            "respond": _at(responds, i),
            "clock": _at(clocks, i) or "business",
        }
    doc["classes"] = classes
    emergency = {
        key: value
        for key in ("phone", "description")
        if (value := data.get(f"emergency_{key}", "").strip())
    }
    if emergency:
        doc["emergency"] = emergency
    for key in ("special_hours", "triage"):
        if base and base.get(key):
            doc[key] = base[key]
    return doc


def _list(data, key: str) -> list[str]:
    return data.getlist(key) if hasattr(data, "getlist") else list(data.get(key, []))


def _at(items: list[str], i: int) -> str:
    return items[i].strip() if i < len(items) else ""


def editor_context(doc: dict[str, Any], errors: dict[str, list[str]] | None = None) -> dict:
    """Rows and values for the editor template, each with the errors of its keys."""
    errors = errors or {}
    used: set[str] = set()

    def errs(*keys: str, prefix: str | None = None) -> list[str]:
        found = []
        for key, messages in errors.items():
            if key in keys or (prefix and key.startswith(prefix)):
                found += messages
                used.add(key)
        return found

    hours = doc.get("hours", {}) if isinstance(doc.get("hours"), dict) else {}
    days_off = doc.get("days_off", {}) if isinstance(doc.get("days_off"), dict) else {}
    emergency = doc.get("emergency", {}) if isinstance(doc.get("emergency"), dict) else {}
    hour_rows = [
        {"day": day, "label": DAY_LABELS[day], "value": ", ".join(hours.get(day, [])),
         "errors": errs(f"hours.{day}")}
        for day in WEEKDAYS
    ]
    class_rows = []
    classes = doc.get("classes", {}) if isinstance(doc.get("classes"), dict) else {}
    for name, spec in classes.items():
        spec = spec if isinstance(spec, dict) else {}
        class_rows.append({
            "name": name, "acknowledge": spec.get("acknowledge", ""),
            "respond": spec.get("respond", ""), "clock": spec.get("clock", "business"),
            "errors": errs(f"classes.{name}", prefix=f"classes.{name}."),
        })
    class_rows += [{"name": "", "acknowledge": "", "respond": "", "clock": "business",
                    "errors": []} for _ in range(BLANK_CLASS_ROWS)]
    fields = {
        "name": {"value": doc.get("name", ""), "errors": errs("name")},
        "timezone": {"value": doc.get("timezone", ""), "errors": errs("timezone")},
        "country": {"value": days_off.get("country", ""), "errors": errs("days_off.country")},
        "subdivision": {"value": days_off.get("subdivision", ""),
                        "errors": errs("days_off.subdivision")},
        "closed_dates": {"value": ", ".join(map(str, days_off.get("dates", []))),
                         "errors": errs("days_off.dates", "days_off")},
        "emergency_phone": {"value": emergency.get("phone", ""),
                            "errors": errs("emergency.phone")},
        "emergency_description": {"value": emergency.get("description", ""),
                                  "errors": errs("emergency.description", "emergency")},
    }
    other = [m for key, messages in errors.items() if key not in used for m in messages]
    return {"fields": fields, "hour_rows": hour_rows, "class_rows": class_rows,
            "other_errors": other, "has_errors": bool(errors)}
