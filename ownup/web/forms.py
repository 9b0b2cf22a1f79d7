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
