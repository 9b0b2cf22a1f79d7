"""Work-item deliverables as commitments for business continuity: the goals app registers
this source with ``ownup.incidents.continuity`` (``GoalsConfig.ready``), so a disruption lists
the affected people's deliverables and a manager can hand one to someone else."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Q

from ownup.core import continuity as core
from ownup.incidents.continuity import CommitmentSource, end_of_day

from .models import Deliverable
from .services import deliverable_update


def gather_deliverables(workspace, user_ids, starts, ends):
    """Goals' work-item deliverables not done, owned (or, without an owner of their own, whose
    work item is owned) by the affected people, due (17:00 on the due day) in the window."""
    tz = ZoneInfo(workspace.timezone or "UTC")
    first, last = starts.astimezone(tz).date(), ends.astimezone(tz).date()
    rows = (Deliverable.objects.filter(workspace=workspace, done=False,
                                       due_date__gte=first, due_date__lte=last)
            .filter(Q(owner_id__in=user_ids)
                    | Q(owner__isnull=True, work_item__owner_id__in=user_ids))
            .select_related("work_item", "work_item__client"))
    for d in rows:
        owner = d.owner_id or d.work_item.owner_id
        yield core.Commitment(kind="deliverable", ref=f"deliverable:{d.pk}", owner=str(owner),
                              due=end_of_day(d.due_date, tz),
                              title=f"Deliver {d.title} ({d.work_item.title})",
                              client=d.work_item.client.name)


def reassign_deliverable(workspace, ref, from_user, to_user, actor) -> None:
    d = Deliverable.objects.filter(workspace=workspace, pk=ref.split(":")[1]).first()
    if d is None:
        raise ValidationError("That deliverable is gone.")
    deliverable_update(deliverable=d, owner=to_user, user=actor)


SOURCE = CommitmentSource("deliverable", gather_deliverables, reassign_deliverable)
