"""Covering indexes for the report queries (reports owns no tables; it reads inbox's).

On PostgreSQL the replies and clocks of a period are read by index-only scans: every column
the figures need is in the index, so a report never touches the messages' bodies. SQLite
gets plain composite indexes (it has no INCLUDE).
"""

from django.db import migrations

PG = [
    ("report_reply_idx",
     "CREATE INDEX IF NOT EXISTS report_reply_idx ON inbox_message "
     "(workspace_id, sent_at) INCLUDE (thread_id, sent_by_id, verdict, off_hours, acknowledges, "
     "ack_seconds, answers, respond_seconds, late_by_seconds) WHERE direction = 'outbound'"),
    ("report_clock_idx",
     "CREATE INDEX IF NOT EXISTS report_clock_idx ON inbox_thread "
     "(workspace_id, clock_started_at) INCLUDE (client_id, owner_id, acknowledged_at, "
     "acknowledge_by) WHERE clock_started_at IS NOT NULL"),
]
SQLITE = [
    ("report_reply_idx",
     "CREATE INDEX IF NOT EXISTS report_reply_idx ON inbox_message "
     "(workspace_id, direction, sent_at)"),
    ("report_clock_idx",
     "CREATE INDEX IF NOT EXISTS report_clock_idx ON inbox_thread "
     "(workspace_id, clock_started_at)"),
]


def create(apps, schema_editor):
    statements = PG if schema_editor.connection.vendor == "postgresql" else SQLITE
    for _name, sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name, _sql in PG:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0002_judging_pauses_events"),
    ]

    operations = [migrations.RunPython(create, drop)]
