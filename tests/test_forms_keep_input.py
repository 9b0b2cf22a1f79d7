"""Every form keeps what was typed after a mistake.

Each case opens a page, fills every field of one of its forms the way a person would (a
distinct text in each text field, a choice other than the first in each select, the opposite
of each checkbox), makes one field wrong, sends the form, and reads the form again from the
answer (the error page, or the page a refusal redirects to) as a browser would send it: every
value must be the one sent. A coverage test lists every form with fields in the templates: a
new form without a case here (or a stated reason it needs none) fails.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.incidents.conftest import all_steps, make_thread

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_TYPES = {"hidden", "submit", "button", "reset", "image", "file", "password"}


class _Forms(HTMLParser):
    """The post forms of a page: action and fields (tag, type, name, value, checked/options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            post = (a.get("method") or "").lower() == "post" or "hx-post" in a
            self._form = {"action": a.get("action") or "", "hx": a.get("hx-post"),
                          "fields": [], "post": post}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form["fields"].append({
                "tag": "input", "type": (a.get("type") or "text").lower(), "name": a["name"],
                "value": a.get("value") if a.get("value") is not None else (
                    "on" if (a.get("type") or "") in ("checkbox", "radio") else ""),
                "checked": "checked" in a, "disabled": "disabled" in a})
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", "type": "textarea", "name": a["name"],
                              "value": "", "disabled": "disabled" in a}
            self._form["fields"].append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "type": "select", "name": a["name"],
                            "multiple": "multiple" in a, "options": [],
                            "disabled": "disabled" in a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select["options"].append(self._option)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = self._option = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea["value"].startswith("\n"):
                self._textarea["value"] = self._textarea["value"][1:]
            self._textarea = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        elif self._option is not None:
            self._option["text"] += data


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["post"]]


def the_form(html: str, action: str, page: str, hidden: dict | None = None) -> dict:
    found = [f for f in forms_of(html) if action in (urlsplit(f["action"]).path or page,
                                                     f["hx"] and urlsplit(f["hx"]).path)
             and all(any(x["name"] == k and x["value"] == v for x in f["fields"])
                     for k, v in (hidden or {}).items())]
    assert found, f"no form posting to {action} on the page"
    return found[0]


def sent_by(form: dict) -> dict[str, list[str]]:
    """What a browser sends from ``form`` as it stands (hidden fields left out)."""
    sent: dict[str, list[str]] = {}
    for f in form["fields"]:
        if f.get("disabled") or f["type"] in SKIPPED_TYPES:
            continue
        if f["type"] in ("checkbox", "radio"):
            if f["checked"]:
                sent.setdefault(f["name"], []).append(f["value"])
        elif f["type"] == "select":
            values = [o["value"] if o["value"] is not None else o["text"].strip()
                      for o in f["options"] if o["selected"]]
            if not values and not f["multiple"] and f["options"]:
                o = f["options"][0]
                values = [o["value"] if o["value"] is not None else o["text"].strip()]
            sent.setdefault(f["name"], []).extend(values)
        else:
            sent.setdefault(f["name"], []).append(f["value"])
    return sent


def typed(form: dict) -> dict[str, list[str]]:
    """A person's answers for every field of ``form``: all different from what it showed."""
    data: dict[str, list[str]] = {}
    for n, f in enumerate(form["fields"]):
        name, kind = f["name"], f["type"]
        if f.get("disabled"):
            continue
        if kind == "hidden":
            data.setdefault(name, []).append(f["value"])
        elif kind in SKIPPED_TYPES:
            continue
        elif kind == "checkbox":
            if not f["checked"]:
                data.setdefault(name, []).append(f["value"])
            else:
                data.setdefault(name, [])
        elif kind == "radio":
            data[name] = [f["value"]]  # the last one of its group
        elif kind == "select":
            choices = [o["value"] if o["value"] is not None else o["text"].strip()
                       for o in f["options"]]
            choices = [c for c in choices if c] or choices
            if f["multiple"]:
                data[name] = choices[-2:]
            elif choices:
                shown = [o["value"] for o in f["options"] if o["selected"]]
                other = [c for c in choices if c not in shown] or choices
                data.setdefault(name, []).append(other[-1])
        elif kind == "date":
            data.setdefault(name, []).append((date.today() + timedelta(days=40 + n)).isoformat())
        elif kind == "datetime-local":
            data.setdefault(name, []).append(
                f"{(date.today() - timedelta(days=1)).isoformat()}T10:{n % 60:02d}")
        elif kind == "time":
            data.setdefault(name, []).append(f"10:{n % 60:02d}")
        elif kind == "number":
            data.setdefault(name, []).append(str(n + 3))
        elif kind == "email":
            data.setdefault(name, []).append(f"kept{n}@harbour.example")
        elif kind == "url":
            data.setdefault(name, []).append(f"https://kept.example/{n}")
        elif kind == "textarea":
            data.setdefault(name, []).append(f"Kept {name} {n}\nsecond line <&> “quoted”")
        else:
            data.setdefault(name, []).append(f"Kept {name} {n} <&> “quoted”")
    return {k: v for k, v in data.items()}


# -- the forms --------------------------------------------------------------------------


@pytest.fixture
def world(ws_a, client_a, owner, director, manager, member):
    """One of everything a form is about."""
    from django.utils import timezone

    from ownup.core.policy import DEFAULT_POLICY
    from ownup.goals import services as goals
    from ownup.incidents.services import incident_close, incident_open, incident_record_step
    from ownup.policies.services import policy_create
    from ownup.postmortems.services import postmortem_start

    thread = make_thread(ws_a, client_a, owner=member)
    unmatched = make_thread(ws_a, None, subject="Who is this from?")
    incident = incident_open(
        workspace=ws_a, client=client_a, title="Wrong budget on search campaign",
        severity="major", foreseen=False, detected_at=timezone.now() - timedelta(hours=2),
        user=member, what_happened="Daily budget set 10x", responsibility="ours")
    incident_record_step(incident=incident, step="huddled", evidence=all_steps()["huddled"],
                         user=member)
    goal = goals.goal_create(client=client_a, statement="Grow wholesale leads", metric="Leads",
                             target="+30%", status="at_risk",
                             due_date=date.today() + timedelta(days=90))
    item = goals.work_item_create(client=client_a, title="Trade webinars", kind="content",
                                  owner=member, status="active", goals=[goal])
    closed = incident_open(
        workspace=ws_a, client=client_a, title="Press release sent before the embargo",
        severity="major", foreseen=False, detected_at=timezone.now() - timedelta(hours=3),
        user=member, what_happened="The release went out a day early.",
        why_it_happened="No second check.", responsibility="ours")
    for step, evidence in all_steps().items():
        if step != "reviewed":
            incident_record_step(incident=closed, step=step, evidence=evidence, user=member)
    incident_close(incident=closed, user=owner, closing_message="Thank you.",
                   override_reason="Post-mortem follows next week.")
    pm = postmortem_start(incident=closed, user=member)
    return {"ws": ws_a, "client": client_a, "closed": closed, "pm": pm, "thread": thread,
            "unmatched": unmatched,
            "incident": incident, "goal": goal, "item": item,
            "policy": policy_create(workspace=ws_a, document=dict(DEFAULT_POLICY,
                                                                  name="Standard")),
            "contact": client_a.contacts.first(), "owner": owner, "director": director}


def _id(x):
    return x.pk


#: id -> (page, the form's action (None: the page itself), the wrong field(s), hidden
#: fields telling the form apart). Pages and actions are formats over the world's ids.
CASES = {
    "client_create": ("/clients/new/", None, {"email_domains": "not a domain!"}, {}),
    "client_edit": ("/clients/{client}/edit/", None, {"email_domains": "not a domain!"}, {}),
    "contact_add": ("/clients/{client}/", "/clients/{client}/contacts/",
                    {"email": "not-an-email"}, {}),
    "contact_edit": ("/clients/{client}/contacts/{contact}/", None,
                     {"email": "not-an-email"}, {}),
    "incident_create": ("/incidents/new/", None, {"detected_at": "not a time"}, {}),
    "incident_step_informed": ("/incidents/{incident}/",
                               "/incidents/{incident}/steps/informed/", {"at": "nope"}, {}),
    "incident_step_huddled": ("/incidents/{incident}/",
                              "/incidents/{incident}/steps/huddled/", {"at": "nope"}, {}),
    "incident_step_owned": ("/incidents/{incident}/", "/incidents/{incident}/steps/owned/",
                            {"at": "nope"}, {}),
    "incident_step_plan_agreed": ("/incidents/{incident}/",
                                  "/incidents/{incident}/steps/plan_agreed/",
                                  {"tl_revised_1": "2001-01-01"}, {}),
    "incident_step_fixed": ("/incidents/{incident}/", "/incidents/{incident}/steps/fixed/",
                            {"at": "nope"}, {}),
    "incident_step_prevented": ("/incidents/{incident}/",
                                "/incidents/{incident}/steps/prevented/", {"at": "nope"}, {}),
    "incident_step_reviewed": ("/incidents/{incident}/",
                               "/incidents/{incident}/steps/reviewed/", {"at": "nope"}, {}),
    "incident_severity": ("/incidents/{incident}/", "/incidents/{incident}/severity/",
                          {"reason": ""}, {}),
    "incident_picture": ("/incidents/{incident}/", "/incidents/{incident}/picture/",
                         {"title": ""}, {}),
    "incident_correct": ("/incidents/{incident}/", "/incidents/{incident}/correct/",
                         {"detected_at": "not a time"}, {}),
    "incident_note": ("/incidents/{incident}/", "/incidents/{incident}/note/", {"text": ""},
                      {}),
    "incident_close": ("/incidents/{incident}/", "/incidents/{incident}/close/",
                       {"override_reason": ""}, {}),
    "disruption_create": ("/incidents/disruptions/new/", None, {"ends": "not a time"}, {}),
    "goal_create": ("/clients/{client}/goals/new/", None, {"due_date": "not a date"}, {}),
    "goal_edit": ("/goals/{goal}/edit/", None, {"due_date": "not a date"}, {}),
    "work_item_create": ("/clients/{client}/work/new/", None, {"title": ""}, {}),
    "work_item_edit": ("/work/{item}/edit/", None, {"title": ""}, {}),
    "deliverable_add": ("/work/{item}/", "/work/{item}/deliverables/",
                        {"due_date": "not a date"}, {}),
    "concern_create": ("/clients/{client}/concerns/new/", None, {"suggestion": ""}, {}),
    "advice_create": ("/clients/{client}/advice/new/", None, {"what": ""}, {}),
    "thread_classify": ("/inbox/{thread}/", "/inbox/{thread}/classify/", {"note": ""}, {}),
    "thread_log": ("/inbox/{thread}/", "/inbox/{thread}/log/", {"at": "not a time"}, {}),
    "thread_reply": ("/inbox/{thread}/", "/inbox/{thread}/reply/", {"body": ""}, {}),
    "thread_assign_client": ("/inbox/unmatched/", "/inbox/{unmatched}/client/",
                             {"client": ""}, {}),
    "policy_new": ("/policies/new/", None,
                   {"hours_mon": "nine till five", "preview_class": None}, {}),
    "policy_edit": ("/policies/{policy}/", None,
                    {"hours_mon": "nine till five", "preview_class": None}, {}),
    "notification_rules": ("/notifications/rules/", None, {"lead_percent": "250"}, {}),
    "notification_channel_create": ("/notifications/settings/", "/notifications/channels/",
                                    {"label": ""}, {"scope": "me"}),
    "mailbox_create": ("/settings/mailboxes/new/", None, {"port": "99999"}, {}),
    "template_edit": ("/templates/acknowledgement/", None,
                      {"body": "Thanks, ${no_such_placeholder} will answer."}, {}),
    "tone": ("/tone/", "/tone/", {}, {}),
    "settings": ("/settings/", None, {"timezone": "Mars/Olympus"}, {}),
    "token_create": ("/settings/", "/settings/tokens/", {"name": "x" * 81}, {}),
    "incident_reopen": ("/incidents/{closed}/", "/incidents/{closed}/reopen/", {"reason": ""},
                        {}),
    "incident_message": ("/incidents/{incident}/message/informed/", None, {"subject": ""},
                         {}),
    "agreement_send": ("/clients/{client}/agreement/", "/inbox/agreement/{client}/send/",
                       {"contacts": None}, {}),
    "policy_import": ("/policies/", "/policies/import/", {"toml": "not = [toml"}, {}),
    "postmortem_detail": ("/postmortems/{pm}/", "/postmortems/{pm}/",
                          {"timeline_at_1": "not a time"}, {}),
    "postmortem_comment": ("/postmortems/{pm}/", "/postmortems/{pm}/comment/", {"body": ""},
                           {}),
    "postmortem_template": ("/postmortems/template/", None, {"summary": ""}, {}),
}


def _fmt(text: str, world: dict) -> str:
    return text.format(**{k: getattr(v, "pk", v) for k, v in world.items()})


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_form_keeps_every_field_after_a_mistake(case, world, owner_web):
    page, action, wrong, hidden = CASES[case]
    page = _fmt(page, world)
    action = _fmt(action, world) if action else page
    shown = owner_web.get(page)
    assert shown.status_code == 200, (page, shown.status_code)
    form = the_form(shown.content.decode(), action, page, hidden)
    data = typed(form)
    data.update({k: [v] for k, v in wrong.items() if v is not None})
    for k in [k for k, v in wrong.items() if v is None]:
        del data[k]  # not sent (a preview's choice among options the page rebuilds)
    answer = owner_web.post(action, data)
    assert not wrong or answer.status_code >= 400 or answer.status_code in (302, 303), (
        f"{case}: the wrong value was accepted ({answer.status_code})")
    where = page
    if answer.status_code in (302, 303):
        where = urlsplit(answer["Location"]).path
        answer = owner_web.get(answer["Location"])
    assert answer.status_code not in (302, 303, 500), answer.status_code
    again = sent_by(the_form(answer.content.decode(), action, where, hidden))
    kept_names = {f["name"] for f in form["fields"] if f["type"] not in SKIPPED_TYPES}
    # (a page may add blank rows after the sent ones: the sent ones come first)
    lost = {k: (v, again.get(k, [])) for k, v in data.items()
            if k in kept_names and (again.get(k, [])[:len(v)] if v else again.get(k, [])) != v}
    assert not lost, f"{case}: sent -> shown again: {lost}"


# -- every form is walked ---------------------------------------------------------------

#: Forms with fields that need no case: nothing typed can be wrong, or they lead elsewhere.
NO_CASE = {
    "workspace_switch": "a choice of workspace that navigates away",
    "workspace_settings": "one checkbox, nothing to get wrong",
    "deliverable_done": "one checkbox, saved as it is ticked",
    "concern_status": "one status choice, saved as it is chosen",
    "learning_apply": "a button (the hidden next address)",
    "password_forms": "Django's password forms: passwords are never written back (the "
                      "reset address is kept by Django's form)",
    "login": "Django's login form: the address is kept by the form, the password never",
    "thread_assign": "one choice of person",
    "client_policy_assign": "one choice of policy",
    "policy_assign": "one choice of client",
    "notification_settings": "two checkboxes, nothing to get wrong",
    "incident_team": "choices of people only (nothing typed; an unknown choice is ignored)",
    "incident_link_thread": "one choice of thread",
    "disruption_reassign": "one choice of person per row",
    "postmortem_publish": "one field, the override reason itself, on the path the comment "
                          "case walks (the post-mortem page answering 422)",
    "mailbox_connect": "a provider sign-in (OAuth) - the address typed is kept by its "
                       "Django form; walked in tests/mailboxes",
    "template_check": "the template form's live check (its save is the template_edit case)",
}

#: Templates' forms without an action post to their own page: named by template here.
SELF_FORMS = {
    "clients/form.html": {"client_create", "client_edit"},
    "clients/contact_form.html": {"contact_edit"},
    "incidents/form.html": {"incident_create"},
    "incidents/disruption_form.html": {"disruption_create"},
    "goals/form.html": {"goal_create", "goal_edit", "work_item_create", "work_item_edit",
                        "concern_create", "advice_create"},
    "policies/editor.html": {"policy_new", "policy_edit"},
    "notify/rules.html": {"notification_rules"},
    "mailboxes/form.html": {"mailbox_create"},
    "registration/login.html": {"login"},
    "registration/_form_page.html": {"password_forms"},
    "accounts/settings.html": {"settings"},
    "incidents/message.html": {"incident_message"},
    "mailboxes/connect.html": {"mailbox_connect"},
    "postmortems/template.html": {"postmortem_template"},
}


def _form_keys() -> set[tuple[str, str]]:
    """(template, url name or step) of every post form with a field a person fills in."""
    keys = set()
    for path in sorted((ROOT / "ownup").rglob("templates/**/*.html")):
        text = path.read_text()
        rel = str(path).split("/templates/", 1)[1]
        for m in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.S):
            attrs, body = m.groups()
            if 'method="post"' not in attrs and "hx-post" not in attrs:
                continue
            fields = [x for x in re.findall(r"<(?:input|textarea|select)\b[^>]*>", body)
                      if not re.search(r'type="(hidden|submit|button)"', x)]
            if not fields and not re.search(r"\{\{ *\w*form\b|\{% for f", body):
                continue
            url = re.search(r"""(?:action|hx-post)="\{% url '([a-z_]+)'([^%]*)%\}""", attrs)
            if url:
                step = re.search(r"'([a-z_]+)'\s*$", url.group(2).strip())
                keys.add((rel, f"{url.group(1)}_{step.group(1)}" if step else url.group(1)))
            else:
                keys.add((rel, "(self)"))
    return keys


def test_every_form_with_fields_is_walked():
    covered = set(CASES) | set(NO_CASE)
    missing = []
    for template, key in sorted(_form_keys()):
        if key == "(self)":
            names = SELF_FORMS.get(template)
            if not names or not names & covered:
                missing.append(f"{template}: a form posting to its own page")
        elif key not in covered:
            missing.append(f"{template}: {key}")
    assert not missing, "forms without a keep-what-was-typed case:\n" + "\n".join(missing)
