"""A person is named by a public id; a number, in any form, is refused the same way at both doors
(an API schema and a form value)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as SchemaError

from ownup.accounts.people import NOT_A_NUMBER, PersonId, parse_person_id

NUMBERS = [7, 7.0, "7", " 42 "]


@pytest.mark.parametrize("value", NUMBERS)
def test_a_number_is_refused_by_the_schema_and_the_form_alike(value):
    with pytest.raises(SchemaError, match="public id"):
        TypeAdapter(PersonId).validate_python(value)
    with pytest.raises(ValidationError) as caught:
        parse_person_id(value, "owner")
    assert caught.value.message_dict == {"owner": [NOT_A_NUMBER]}


def test_a_public_id_is_taken_as_text_or_uuid():
    uid = uuid.uuid4()
    assert parse_person_id(str(uid)) == uid == parse_person_id(uid)
    assert TypeAdapter(PersonId).validate_python(str(uid)) == uid


def test_anything_else_is_named_in_the_error():
    with pytest.raises(ValidationError, match="'olivia' is not a person's public id"):
        parse_person_id("olivia")
    with pytest.raises(SchemaError):
        TypeAdapter(PersonId).validate_python(True)
