from datetime import timedelta

import pytest

from tests.incidents.conftest import all_steps


def _open(ws, client, user, title="Wrong budget on search campaign", **picture):
    from django.utils import timezone

    from ownup.incidents.services import incident_open

    picture.setdefault("what_happened", "Daily budget set 10x")
    picture.setdefault("why_it_happened", "The budget change had no second check.")
    return incident_open(
        workspace=ws, client=client, title=title, severity="major", foreseen=False,
        detected_at=timezone.now() - timedelta(hours=2), user=user, responsibility="ours",
        **picture,
    )


@pytest.fixture
def open_incident(ws_a, client_a, member):
    return _open(ws_a, client_a, member)


@pytest.fixture
def closed_incident(ws_a, client_a, member, owner):
    from ownup.incidents.services import incident_close, incident_record_step

    incident = _open(ws_a, client_a, member, title="Press release sent before the embargo",
                     what_happened="The release went out a day early.")
    for step, evidence in all_steps().items():
        if step == "reviewed":
            continue
        incident_record_step(incident=incident, step=step, evidence=evidence, user=member)
    return incident_close(incident=incident, user=owner, closing_message="Thank you.",
                          override_reason="Post-mortem follows next week.")


@pytest.fixture
def pm(closed_incident, member):
    from ownup.postmortems.services import postmortem_start

    return postmortem_start(incident=closed_incident, user=member)


def publish(pm, author, publisher, **update):
    from ownup.postmortems import services

    update.setdefault("summary", "The release went out a day early.")
    services.postmortem_update(postmortem=pm, user=author, **update)
    services.postmortem_submit(postmortem=pm, user=author)
    return services.postmortem_publish(postmortem=pm, user=publisher)
