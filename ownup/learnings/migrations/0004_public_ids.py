"""Public ids (random UUIDs) for the rows whose ids appear in URLs or API bodies; existing
rows each get a fresh one (see ownup.public_ids)."""

import importlib

from django.db import migrations

from ownup.public_ids import add_public_id

_fulltext = importlib.import_module("ownup.learnings.migrations.0003_fulltext")


def keep_sqlite_search_triggers(apps, schema_editor):
    """SQLite rebuilds the table to add the unique column, and a rebuilt table has lost its
    triggers: put the full-text ones back (the index itself is keyed by the unchanged id)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in _fulltext.SQLITE_DOWN[:3] + _fulltext.SQLITE_UP[1:4]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("learnings", "0003_fulltext")]

    operations = [
        *add_public_id("learnings", "learning"),
        migrations.RunPython(keep_sqlite_search_triggers, migrations.RunPython.noop),
    ]
