# The inbox's "waiting on us" page reads its ids first (selectors.rows_in_order): with the
# columns of the ordering's expression and the id in the index, that read is an index-only
# walk the planner prefers to sorting every waiting thread at any row estimate (it was
# estimated 6x low after an import, and the plan flipped between the walk and the sort).
# PostgreSQL only, like 0003/0016 that built the index; same key and condition as 0016.

from django.db import migrations

NEXT_DUE = (
    'CASE WHEN "answered_at" IS NOT NULL THEN NULL '
    'WHEN "paused_at" IS NOT NULL THEN NULL '
    'WHEN "update_due" IS NOT NULL THEN "update_due" '
    'WHEN ("acknowledge_by" IS NOT NULL AND "acknowledged_at" IS NULL) THEN "acknowledge_by" '
    'ELSE "respond_by" END'
)
WHERE = ("WHERE \"status\" = 'open' AND \"answered_at\" IS NULL AND \"client_id\" IS NOT NULL "
         'AND "respond_by" IS NOT NULL')
COLUMNS = ('"id", "answered_at", "paused_at", "update_due", "acknowledge_by", '
           '"acknowledged_at", "respond_by"')


def _index(include: str) -> list[str]:
    return [
        'DROP INDEX IF EXISTS "thread_waiting_idx"',
        'CREATE INDEX "thread_waiting_idx" ON "inbox_thread" '
        f'("workspace_id", ({NEXT_DUE}), "last_message_at" DESC) {include}{WHERE}',
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _index(f"INCLUDE ({COLUMNS}) "):
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _index(""):
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('inbox', '0018_unmatched_index_unresolved'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
