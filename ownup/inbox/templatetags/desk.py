"""Filters and the row tag of the inbox's list rows (pages of 50 rows)."""

from __future__ import annotations

from datetime import date

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

register = template.Library()

_names: dict[str | None, tuple[list[str], dict[int, str]]] = {}


def _day_and_month_names() -> tuple[list[str], dict[int, str]]:
    """The active language's day and month abbreviations, as the ``date`` filter's "D" and
    "M" give them, translated once a language rather than twice a date."""
    language = translation.get_language()
    names = _names.get(language)
    if names is None:
        names = ([str(WEEKDAYS_ABBR[d]) for d in range(7)],
                 {m: str(name).title() for m, name in MONTHS_3.items()})
        _names[language] = names
    return names


@register.filter(expects_localtime=True, is_safe=False)
def day_time(value):
    """``value|date:"D j M H:i"`` ("Mon 6 Jan 12:40"), the same text: Django's date
    filter parses its format string and translates the names on every call (~80 us; a page
    of rows formats 50-100 of them)."""
    if value in (None, ""):
        return ""
    if not isinstance(value, date) or not hasattr(value, "hour"):
        return date_filter(value, "D j M H:i")
    days, months = _day_and_month_names()
    return (f"{days[value.weekday()]} {value.day} {months[value.month]} "
            f"{value.hour:02d}:{value.minute:02d}")


#: What inbox/_row.html (and the _clock.html it includes) reads of a row's thread and of its
#: clock state: a row's HTML is a function of these, the view's kind, the unmatched queue's
#: link, the active language and time zone. A value the template reads must be added here
#: (tests/inbox/test_desk_views.py checks the two templates against these lists).
ROW_FIELDS = ("client_id", "client_url", "client_name", "url", "subject", "message_class",
              "owner_id", "owner_name", "status", "answered_at", "last_message_at")
CLOCK_FIELDS = ("breached", "at_risk", "paused", "left_text", "due", "label", "overdue_text",
                "clock", "held", "held_by")
#: Rows kept per process (a few MB); all are dropped when it is full.
ROW_CACHE_SIZE = 5000
_row_html: dict[tuple, str] = {}


def row_key(t, clock: dict, view: str, unmatched_url: str) -> tuple:
    return (translation.get_language(), timezone.get_current_timezone_name(),
            bool(view and view != "open"), unmatched_url,
            *(getattr(t, f) for f in ROW_FIELDS), *(clock[f] for f in CLOCK_FIELDS))


@register.simple_tag
def desk_row(t, clock: dict, view: str, unmatched_url: str) -> str:
    """One row of the inbox's lists, rendered once per process for what it shows.

    Everyone at the desk sees the same rows (waiting on us, a view, the dashboard's panel,
    the 30 s poll of each), and a row's text changes at most once a minute (its clock), so
    most rows were rendered before: ~70 us a row through the template (3.5-5 ms of a page
    of 50, the largest part of a list page's CPU after an import), a dictionary look-up
    here. The key holds every value the template shows, so a row is never stale."""
    key = row_key(t, clock, view, unmatched_url)
    html = _row_html.get(key)
    if html is None:
        html = get_template("inbox/_row.html").render(
            {"t": t, "clock": clock, "view": view, "unmatched_url": unmatched_url})
        if len(_row_html) >= ROW_CACHE_SIZE:
            _row_html.clear()
        _row_html[key] = html
    return html
