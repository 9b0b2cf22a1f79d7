"""Demo post-mortems: the demo's two closed incidents get published, blameless post-mortems
whose learnings come back on the open incident (a wrong price in a newsletter)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ownup.accounts.people import person_uid
from ownup.incidents.models import Incident

from . import services
from .models import Postmortem

DEMO = {
    "Embargoed results release sent a day early": {
        "summary": "The quarterly results release went to the press list a day before the "
                   "embargo lifted. The distribution tool held the wrong date and no step "
                   "between drafting and sending checked it.",
        "client_impact": "Journalists had the figures early; two outlets asked whether the "
                         "embargo still held. The bank's head of comms spent the evening on "
                         "calls.",
        "root_causes": "Scheduling a release was a one-person step with no check of the date "
                       "and time zone against the client's sign-off.",
        "five_whys": ["The release went out a day early.",
                      "The scheduled date in the distribution tool was wrong.",
                      "The date was typed by hand from an email thread.",
                      "The signed-off embargo time lives only in that thread.",
                      "Our release checklist has no step for the embargo date."],
        "went_well": "The client heard from us within the hour, by phone, with the facts.",
        "could_be_better": "The embargo time should have been in the release header and "
                           "checked by a second person before scheduling.",
        "learnings": [
            ("Anything that goes out to a client's audience — a release, a newsletter, a post — "
             "gets a second-person check of dates, prices and figures against the latest "
             "sign-off.", "quality", "PR"),
            ("Put the embargo date and time zone in the release header and schedule from the "
             "header, never from an email thread.", "process", "PR"),
        ],
        "actions": [("Add an embargo-date check to the release checklist", "done", 7),
                    ("Second-person check before anything is scheduled", "open", 14)],
    },
    "Paid search budget set ten times too high overnight": {
        "summary": "A daily budget was entered with an extra zero and ran overnight at ten "
                   "times the agreed spend.",
        "client_impact": "One night of overspend, refunded by us; no lasting harm to the "
                         "campaign.",
        "root_causes": "Budget changes went live without a second look, and the account had "
                       "no spending limit to catch a typo.",
        "five_whys": [],
        "went_well": "The overspend was spotted first thing and the client was called before "
                     "they noticed.",
        "could_be_better": "An account-level limit would have capped the damage.",
        "learnings": [
            ("Budget changes in ad platforms are entered by one person and checked by another "
             "before they go live.", "quality", "Paid search"),
            ("Set account-level spending limits so a typo cannot spend more than a day's "
             "budget.", "tooling", "Paid search"),
        ],
        "actions": [("Account spending limits on every client account", "done", 3)],
    },
}


def demo_postmortems(workspace) -> None:
    from ownup.demo import demo_people

    people = demo_people(workspace)
    author, director = people["sam"], people["dan"]
    for title, spec in DEMO.items():
        incident = Incident.objects.filter(workspace=workspace, title=title).first()
        if incident is None or Postmortem.objects.filter(incident=incident).exists():
            continue
        pm = services.postmortem_start(incident=incident, user=author)
        today = timezone.localdate()
        services.postmortem_update(
            postmortem=pm, user=author,
            summary=spec["summary"], client_impact=spec["client_impact"],
            root_causes=spec["root_causes"], went_well=spec["went_well"],
            could_be_better=spec["could_be_better"],
            five_whys=spec["five_whys"] or None,
            learnings_rows=[{"statement": s, "category": c, "service_line": sl}
                            for s, c, sl in spec["learnings"]],
            action_items=[{"what": w, "status": st, "owner_id": person_uid(author),
                           "due": today + timedelta(days=d)} for w, st, d in spec["actions"]],
        )
        services.postmortem_submit(postmortem=pm, user=author)
        services.postmortem_comment(postmortem=pm, user=director,
                                    body="Clear and blameless — thank you. Ready to publish.")
        services.postmortem_publish(postmortem=pm, user=director)
