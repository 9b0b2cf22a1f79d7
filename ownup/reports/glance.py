"""The director's agency at a glance on the dashboard: promises broken this week, open
incidents, post-mortems waiting for review, and commitments handed to them. Informed, not
asked: every figure is read from the records, nobody is asked to report it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

HANDED_DAYS = 14
#: Rows of each list shown on the dashboard.
SHOWN = 5


def week_start(workspace, now: datetime | None = None) -> datetime:
    """Monday 00:00 of this week in the workspace's time zone."""
    zone = ZoneInfo(workspace.timezone or "UTC")
    local = (now or timezone.now()).astimezone(zone)
    return datetime.combine(local.date() - timedelta(days=local.weekday()), time.min, zone)


def agency_glance(*, workspace, user) -> dict:
    from ownup.inbox.selectors import breach_counts, capped_count
    from ownup.incidents.models import Incident, IncidentStatus, Reassignment
    from ownup.postmortems.models import Postmortem, PostmortemStatus

    now = timezone.now()
    since = week_start(workspace, now)
    handed = (Reassignment.objects.filter(disruption__workspace=workspace, to_user=user,
                                          at__gte=now - timedelta(days=HANDED_DAYS))
              .select_related("from_user").order_by("-at"))
    in_review = Postmortem.objects.filter(workspace=workspace,
                                          status=PostmortemStatus.IN_REVIEW)
    first_in_review = list(in_review.select_related("incident").order_by("-pk")[:SHOWN])
    first_handed = list(handed[:SHOWN])
    return {
        **breach_counts(workspace=workspace, since=since, also={
            "open_incidents": Incident.objects.filter(workspace=workspace,
                                                      status=IncidentStatus.OPEN)}),
        "since": since,
        "in_review": first_in_review,
        # counted only when the list is full (a query fewer on most dashboards)
        "in_review_count": (capped_count(in_review) if len(first_in_review) == SHOWN
                            else len(first_in_review)),
        "handed": first_handed,
        "handed_count": (capped_count(handed) if len(first_handed) == SHOWN
                         else len(first_handed)),
        "handed_days": HANDED_DAYS,
    }


def glance_panel(request, obj=None) -> dict | None:
    membership = getattr(request, "membership", None)
    if getattr(request, "workspace", None) is None or membership is None \
            or not membership.can_direct:
        return None
    return {"template": "reports/_glance_panel.html", "order": -5,
            **agency_glance(workspace=request.workspace, user=request.user)}
