"""A person's phone on their profile: set and changed through the service, the settings page,
``GET/PATCH /api/v1/me`` and ``ownup user``; a number that is none is refused, saying why."""

import pytest
from django.core.exceptions import ValidationError

from ownup.accounts import selectors, services
from ownup.cli import main

pytestmark = pytest.mark.django_db


def test_service_cleans_and_refuses(member):
    services.profile_update(user=member, phone="  +44 20  7946 0000 ")
    assert selectors.phone_of(member) == "+44 20 7946 0000"
    with pytest.raises(ValidationError) as exc:
        services.profile_update(user=member, phone="ring reception")
    assert "letters" in " ".join(exc.value.message_dict["phone"])
    assert selectors.phone_of(member) == "+44 20 7946 0000"  # the refused one is not kept
    services.profile_update(user=member, phone="")
    assert selectors.phone_of(member) == ""


def test_service_refuses_what_is_no_profile_field(member):
    with pytest.raises(ValidationError) as exc:
        services.profile_update(user=member, user_id=1)
    assert "user_id" in exc.value.message_dict


def test_user_create_takes_a_phone(ws_a):
    user = services.user_create(email="p@a.example", password="long enough pass",
                                phone="020 7946 0001")
    assert selectors.phone_of(user) == "020 7946 0001"
    with pytest.raises(ValidationError):
        services.user_create(email="q@a.example", password="long enough pass", phone="12")


def _form(**over):
    data = {"timezone": "Europe/London", "work_start": "09:00", "work_end": "17:30",
            "work_days": "12345", "phone": ""}
    return data | over


def test_settings_page_edits_the_phone(member, member_web, owner):
    page = member_web.get("/settings/").content.decode()
    assert 'name="phone"' in page and "call me on [phone]" in page.lower().replace("&quot;", "")
    r = member_web.post("/settings/", _form(phone="+44 161 496 0302"))
    assert r.status_code == 302
    assert selectors.phone_of(member) == "+44 161 496 0302"
    page = member_web.get("/settings/").content.decode()
    assert "+44 161 496 0302" in page  # in the form and in the people table


def test_settings_page_says_what_is_wrong_with_a_number(member, member_web):
    r = member_web.post("/settings/", _form(phone="0161 CALL ME"))
    assert r.status_code == 422  # the form comes back with what is wrong
    page = r.content.decode()
    assert "is not a phone number: it has letters" in page.replace("&#x27;", "'")
    assert "0161 CALL ME" in page
    assert selectors.phone_of(member) == ""


def test_api_me_reads_and_changes_the_profile(member_api, member):
    me = member_api.get("me").json()
    assert me["email"] == "member@a.example" and me["role"] == "member" and me["phone"] == ""
    assert me["id"] == str(member.person.uid)  # the public id, never the number
    r = member_api.patch("me", {"phone": "(212) 555-0100", "work_days": "54321"})
    assert r.status_code == 200, r.content
    assert r.json()["phone"] == "(212) 555-0100" and r.json()["work_days"] == "12345"
    assert selectors.phone_of(member) == "(212) 555-0100"
    assert member_api.patch("me", {"phone": ""}).json()["phone"] == ""


@pytest.mark.parametrize("body, field, words", [
    ({"phone": "call me"}, "phone", "letters"),
    ({"phone": "+44 1"}, "phone", "too short"),
    ({"work_days": "189"}, "work_days", "at most once"),
    ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
    ({"work_start": "18:00", "work_end": "09:00"}, None, "must end after it starts"),
])
def test_api_me_refuses_with_422_naming_the_field(member_api, body, field, words):
    r = member_api.patch("me", body)
    assert r.status_code == 422, r.content
    detail = r.json()["detail"]
    assert any(words in d["msg"] and (field is None or d["loc"] == ["body", field])
               for d in detail), detail


def test_api_me_needs_a_token(anon_api):
    assert anon_api.get("me").status_code == 401
    assert anon_api.patch("me", {"phone": "020 7946 0000"}).status_code == 401


def test_cli_user_create_and_profile(ws_a, capsys):
    assert main(["user", "create", "new@a.example", "--password", "long enough pass",
                 "--phone", "+44 20 7946 0009"]) == 0
    capsys.readouterr()
    assert main(["user", "profile", "new@a.example"]) == 0
    assert "phone\t+44 20 7946 0009" in capsys.readouterr().out
    assert main(["user", "profile", "new@a.example", "--phone", "020 7946 0010",
                 "--days", "21"]) == 0
    out = capsys.readouterr().out
    assert "phone\t020 7946 0010" in out and "days\t12" in out


def test_cli_refuses_a_bad_number_in_one_line(ws_a, member, capsys):
    assert main(["user", "profile", "member@a.example", "--phone", "ask Sam"]) == 2
    err = capsys.readouterr().err
    assert "phone:" in err and "letters" in err and len(err.strip().splitlines()) == 1
    assert selectors.phone_of(member) == ""
    assert main(["user", "create", "x@a.example", "--password", "long enough pass",
                 "--phone", "123"]) == 2
    assert "too short" in capsys.readouterr().err
    assert main(["user", "profile", "nobody@a.example"]) == 2
    assert "no user with email nobody@a.example" in capsys.readouterr().err


def test_api_me_hours_are_hh_mm(member_api):
    assert member_api.get("me").json()["work_start"] == "09:00"
    r = member_api.patch("me", {"work_start": "08:30", "work_end": "16:00"})
    assert r.status_code == 200 and (r.json()["work_start"], r.json()["work_end"]) == (
        "08:30", "16:00")
    assert member_api.patch("me", {"work_start": "8h30"}).status_code == 422
    r = member_api.patch("me", {"work_start": "25:00"})
    assert r.status_code == 422
    text = r.content.decode()
    assert "'25:00' is not a time of day" in text and "HH:MM" in text
    assert "pattern" not in text  # a sentence, never the regex
    assert member_api.get("me").json()["work_start"] == "08:30"  # nothing stored was lost
