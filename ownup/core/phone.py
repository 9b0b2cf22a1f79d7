"""A phone number a person types into their profile: what makes it one, said plainly.

Drafts put it after "call me on", and the call sheet shows it as the number to call back, so
it must be something a person can dial: digits with the usual separators (spaces, dashes,
dots, brackets, one leading ``+``), between 6 and 15 digits (the international maximum), and
optionally an extension ("ext. 12", "x12"). Blank means no number. Standard library only.
"""

from __future__ import annotations

import re

MAX_LENGTH = 40
MIN_DIGITS = 6
MAX_DIGITS = 15

_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_SEPARATORS = frozenset(" -.()/")
_DIGITS = frozenset("0123456789")


class PhoneError(ValueError):
    """The text is not a phone number; the message says why, in a sentence."""


def clean_phone(text: str) -> str:
    """The number as it will be stored and shown (trimmed, inner spaces collapsed), or
    ``PhoneError`` naming the problem. ``""`` stays ``""`` (no number)."""
    value = " ".join((text or "").split())
    if not value:
        return ""
    if len(value) > MAX_LENGTH:
        raise PhoneError(f"A phone number is at most {MAX_LENGTH} characters; "
                         f"this one has {len(value)}.")
    main, extension = value, ""
    found = _EXTENSION.search(value)
    if found and found.start() > 0:
        main, extension = value[:found.start()], found.group(1)
    if "+" in main[1:]:
        raise PhoneError(f"{value!r} is not a phone number: a '+' may only start it, "
                         "before the country code (e.g. +44 20 7946 0000).")
    strange = sorted({c for c in main.lstrip("+") if c not in _DIGITS and c not in _SEPARATORS})
    if strange:
        shown = "letters" if any(c.isalpha() for c in strange) else " ".join(
            repr(c) for c in strange)
        raise PhoneError(f"{value!r} is not a phone number: it has {shown}. Use digits, "
                         "spaces and + - ( ) only (e.g. +44 20 7946 0000 or 020 7946 0000).")
    digits = sum(c in _DIGITS for c in main)
    if digits < MIN_DIGITS:
        raise PhoneError(f"{value!r} is too short for a phone number ({digits} digits; "
                         f"at least {MIN_DIGITS}, with the area code).")
    if digits > MAX_DIGITS:
        raise PhoneError(f"{value!r} is too long for a phone number ({digits} digits; "
                         f"at most {MAX_DIGITS}, the international maximum).")
    if main[0] not in _DIGITS and main[0] not in "+(":
        raise PhoneError(f"{value!r} is not a phone number: start with a digit, '+' or '('.")
    return f"{main.rstrip()} ext. {extension}" if extension else main
