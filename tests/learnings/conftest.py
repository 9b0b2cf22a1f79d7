import pytest


def _published(ws, client, member, owner, title, what, summary, learning):
    from ownup.incidents.services import incident_close
    from ownup.postmortems import services
    from tests.postmortems.conftest import _open

    incident = _open(ws, client, member, title=title, what_happened=what)
    incident_close(incident=incident, user=owner, closing_message="Thanks.",
                   override_reason="Test data: steps not recorded.")
    pm = services.postmortem_start(incident=incident, user=member)
    services.postmortem_update(postmortem=pm, user=member, summary=summary,
                               learnings_rows=[learning])
    services.postmortem_submit(postmortem=pm, user=member)
    return services.postmortem_publish(postmortem=pm, user=owner)


@pytest.fixture
def published_pm(ws_a, client_a, member, owner):
    """Two published post-mortems on closed incidents of client_a, one learning each; the
    embargo one is returned."""
    _published(ws_a, client_a, member, owner, "Search budget ten times too high",
               "A daily budget typo overspent overnight.", "Overspend overnight.",
               {"statement": "Budgets in ad platforms get an account spending limit.",
                "category": "tooling", "service_line": "Paid search"})
    return _published(
        ws_a, client_a, member, owner, "Embargoed release sent a day early",
        "The press release went out before the embargo.", "Sent early.",
        {"statement": "A second person checks the embargo date before a press release is "
                      "scheduled.", "category": "quality", "service_line": "PR"})
