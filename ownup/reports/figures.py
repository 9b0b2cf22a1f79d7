"""What a report counts: the figures of one group and the period they cover (definitions
in ``selectors.py``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from ownup.accounts.models import Workspace
from ownup.core import stats


@dataclass
class Figures:
    """Consistency figures of one group (a month, a team member, a client, or everything)."""

    key: str = ""
    label: str = "All"
    replies: int = 0
    on_time: int = 0
    late: int = 0
    off_hours: int = 0
    acknowledgements: int = 0
    answers: int = 0
    median_ack_seconds: float | None = None
    median_respond_seconds: float | None = None
    median_late_seconds: float | None = None
    threads: int = 0
    threads_acknowledged: int = 0
    kept: int = 0
    kept_late: int = 0
    broken: int = 0
    incidents: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def promises_due(self) -> int:
        return self.kept + self.kept_late + self.broken

    @property
    def share_on_time(self) -> float | None:
        """Kept on time / every promise that fell due (kept, kept late or broken)."""
        return stats.share(self.kept, self.promises_due)

    @property
    def ack_rate(self) -> float | None:
        return stats.share(self.threads_acknowledged, self.threads)

    @property
    def has_data(self) -> bool:
        return bool(self.replies or self.promises_due or self.off_hours or self.incidents)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["promises_due"] = self.promises_due
        data["share_on_time"] = self.share_on_time
        data["ack_rate"] = self.ack_rate
        return data


@dataclass
class Period:
    """[since, until) in the workspace's timezone; either end may be open."""

    since: date | None = None
    until: date | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        def at(d):
            return None if d is None else datetime.combine(d, time.min, tzinfo=self.tz)

        return at(self.since), at(self.until)

    def filter(self, field_name: str) -> Q:
        start, end = self.bounds()
        q = Q()
        if start is not None:
            q &= Q(**{f"{field_name}__gte": start})
        if end is not None:
            q &= Q(**{f"{field_name}__lt": end})
        return q


#: The longest period a report covers (its month table has at most this many rows).
MAX_REPORT_MONTHS = 120
TOO_LONG = (f"A report covers at most {MAX_REPORT_MONTHS // 12} years: choose a later start "
            "or an earlier end (or leave both out for the last 12 months).")


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def period_for(workspace: Workspace, since: date | None = None,
               until: date | None = None) -> Period:
    """A period in the workspace's timezone; ``until`` is exclusive. A period longer than
    ``MAX_REPORT_MONTHS`` is refused (it costs the database and the answer grows with it)."""
    from django.core.exceptions import ValidationError

    if since and until and until <= since:
        raise ValidationError({"until": "The end of the period must come after its start."})
    tz = ZoneInfo(workspace.timezone or "UTC")
    if since is not None:
        end = until or (timezone.now().astimezone(tz).date() + timedelta(days=1))
        if months_between(since, end - timedelta(days=1)) > MAX_REPORT_MONTHS:
            raise ValidationError({"since": TOO_LONG})
    return Period(since, until, tz)


def figures_fill(row: Figures, values: dict) -> None:
    for name, value in values.items():
        name = name.removeprefix("a_")
        setattr(row, name, value if value is not None or name.startswith("median") else 0)
