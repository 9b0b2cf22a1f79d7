"""How a report reads the database: one statement timeout around a report's reads (a
cancelled report is a clear 503) and the MEDIAN aggregate on both databases.

Medians are ``percentile_cont(0.5)`` on PostgreSQL and an equivalent aggregate registered on
SQLite connections (see :func:`register_sqlite_median`)."""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from django.db.models import Aggregate, FloatField

from ownup.core import stats
from ownup.errors import TooSlow


class Median(Aggregate):
    """The median of a numeric expression (nulls ignored), as a float."""

    function = "MEDIAN"  # SQLite: registered by register_sqlite_median
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra_context)


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return stats.median(self.values)


def register_sqlite_median(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: gives SQLite connections a MEDIAN aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


class ReportTimeout(TooSlow):
    """A report's query ran past ``settings.OWNUP_REPORT_TIMEOUT`` and was cancelled."""


@contextmanager
def report_query():
    """The report's reads in one transaction with a statement timeout (PostgreSQL's
    ``SET LOCAL statement_timeout``): one heavy report cannot hold the database for everyone.
    A cancelled statement becomes ReportTimeout (a clear 503, not a 500)."""
    from django.conf import settings
    from django.db import OperationalError, connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    ms = max(1, int(float(settings.OWNUP_REPORT_TIMEOUT) * 1000))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {ms}")
            yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        raise ReportTimeout(
            f"The report took longer than {ms / 1000:g} s and was stopped; choose a shorter "
            "period, or try again when the server is less busy.") from exc


def bounded_report(func):
    """Run a report selector under :func:`report_query`."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        with report_query():
            return func(*args, **kwargs)
    return wrapper
