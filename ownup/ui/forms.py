"""Helpers shared by the HTML views' forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the form has that
    field, the rest (and message-only errors) at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def select_options(choices, selected: str = ""):
    """``<option>`` elements for (value, label) pairs, ``selected`` marked; built in Python
    because a template loop over 500 clients costs ~30 ms a page (the inbox filters)."""
    from html import escape

    from django.utils.safestring import mark_safe

    return mark_safe("".join(  # noqa: S308 - every value and label is escaped here
        f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    ))


#: ``select_options_kept``'s HTML: scope -> (the rows it was built from, {selected: HTML}).
_kept: dict = {}
_KEPT_SCOPES = 256
_KEPT_SELECTED = 8


def select_options_kept(scope, rows: tuple, selected: str = ""):
    """``select_options`` of ``rows`` (``(value, label)`` pairs, values as read from the
    database), kept per process for ``scope`` and rebuilt whenever the rows differ from the
    ones it was built from: the inbox's client filter is the same 500 clients on every list
    page of a workspace, and building their options (each id as text, each name escaped)
    cost ~0.6 ms a page. Compared with the rows read for this request, the HTML is never
    stale."""
    kept = _kept.get(scope)
    if kept is None or kept[0] != rows:
        if len(_kept) >= _KEPT_SCOPES:
            _kept.clear()
        kept = _kept[scope] = (rows, {})
    html = kept[1].get(selected)
    if html is None:
        html = select_options([(str(value), label) for value, label in rows], selected)
        if len(kept[1]) >= _KEPT_SELECTED:
            kept[1].clear()
        kept[1][selected] = html
    return html
