"""The phone rule: what a person can dial is kept (cleaned), anything else is refused with
the reason in a sentence."""

import pytest

from ownup.core.phone import PhoneError, clean_phone


@pytest.mark.parametrize("typed, stored", [
    ("+44 20 7946 0000", "+44 20 7946 0000"),
    ("  020   7946 0000 ", "020 7946 0000"),
    ("(212) 555-0100", "(212) 555-0100"),
    ("+1.313.555.0107", "+1.313.555.0107"),
    ("07700 900123 x5", "07700 900123 ext. 5"),
    ("020 7946 0000 ext. 204", "020 7946 0000 ext. 204"),
    ("", ""),
    ("   ", ""),
])
def test_a_number_is_kept_clean(typed, stored):
    assert clean_phone(typed) == stored


@pytest.mark.parametrize("typed, reason", [
    ("call me", "letters"),
    ("0207 946 OOOO", "letters"),
    ("12345", "too short"),
    ("+44 1", "too short"),
    ("1234 5678 9012 3456", "too long"),
    ("+44 +20 7946 0000", "'+' may only start it"),
    ("020*7946*0000", "'*'"),
    ("-020 7946 0000", "start with a digit"),
    ("0" * 41, "at most 40 characters"),
])
def test_what_is_no_number_is_refused_saying_why(typed, reason):
    with pytest.raises(PhoneError) as exc:
        clean_phone(typed)
    assert reason in str(exc.value)
