"""Formatting for report figures: shares as percentages, business seconds in plain units."""

from django import template

from ownup.core import stats

register = template.Library()


@register.filter
def pct(value):
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def bdur(value):
    return stats.format_business_seconds(value)
