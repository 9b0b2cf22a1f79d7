"""The post-mortem blame check knows the workspace's people and roles (issue 17, case 6)."""

import pytest

from ownup.postmortems import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", [
    "Milo typed the wrong price into the feed and didn't check it.",
    "The freelancer was careless.",
    "Our designer forgot to export the final file.",
])
def test_people_and_roles_as_cause_are_flagged(pm, member, text):
    services.postmortem_update(postmortem=pm, user=member, root_causes=text)
    pm.refresh_from_db()
    assert [f["field"] for f in pm.findings] == ["root_causes"], pm.findings


def test_contact_roles_come_from_the_workspace(pm, member, client_a):
    client_a.contacts.update(role="Brand Lead")
    services.postmortem_update(postmortem=pm, user=member,
                               root_causes="Their brand lead skipped the proof.")
    pm.refresh_from_db()
    assert pm.findings and pm.findings[0]["field"] == "root_causes"
