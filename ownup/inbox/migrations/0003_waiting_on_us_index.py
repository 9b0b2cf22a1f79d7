"""A partial expression index for "waiting on us" (``selectors.thread_list``) on PostgreSQL.

The list is ordered by the next deadline, a CASE over the clock columns, which no plain
index can serve: with 50,000 open threads PostgreSQL joined and sorted all of them for
every page (~350 ms). This index holds only threads whose clock runs, in that order, so
the first page is an index scan that stops after 50 rows. The expression must stay the
same as ``selectors._with_next_due`` (if that changes, add a new index migration).

Raw SQL, so the model state (and makemigrations) are unaffected; SQLite is skipped.
"""

from django.db import migrations

NEXT_DUE = (
    'CASE WHEN "answered_at" IS NOT NULL THEN NULL '
    'WHEN "paused_at" IS NOT NULL THEN NULL '
    'WHEN ("acknowledge_by" IS NOT NULL AND "acknowledged_at" IS NULL) THEN "acknowledge_by" '
    'ELSE "respond_by" END'
)
CREATE = (
    'CREATE INDEX IF NOT EXISTS "thread_waiting_idx" ON "inbox_thread" '
    f'("workspace_id", ({NEXT_DUE}), "last_message_at" DESC) '
    "WHERE \"status\" = 'open' AND \"answered_at\" IS NULL AND \"client_id\" IS NOT NULL "
    'AND "respond_by" IS NOT NULL'
)
DROP = 'DROP INDEX IF EXISTS "thread_waiting_idx"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0002_judging_pauses_events")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
