"""Filters of the inbox's list rows, which format a few dates a row on pages of 50 rows."""

from __future__ import annotations

from datetime import date

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import translation
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
