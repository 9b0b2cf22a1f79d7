"""A partial expression index for the dashboard's "my work" (``selectors.my_work``) on
PostgreSQL: a person's unresolved threads by next deadline.

my_work counts a person's threads with a running clock, those past due and those due within
hours, and lists the first ten by next deadline. With only ``owner_id`` indexed, each count
visited every thread the person owns (4,000 heap pages for a busy owner of the load
benchmark's data, ~13 ms a count, four of them per dashboard). Here the deadline is in the
index: each count is a range of it, the rows an index scan that stops after ten. The
expression must stay the same as ``selectors._with_next_due`` (as in 0003).

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
    'CREATE INDEX IF NOT EXISTS "thread_my_due_idx" ON "inbox_thread" '
    f'("workspace_id", "owner_id", ({NEXT_DUE})) '
    "WHERE NOT (\"status\" = 'resolved')"
)
DROP = 'DROP INDEX IF EXISTS "thread_my_due_idx"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0014_mine_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
