"""Public ids (random UUIDs) for the rows whose ids appear in URLs or API bodies; existing
rows each get a fresh one (see ownup.public_ids)."""

from django.db import migrations

from ownup.public_ids import add_public_id


class Migration(migrations.Migration):
    dependencies = [("inbox", "0010_answered_index")]

    operations = [
        *add_public_id("inbox", "threadevent"),
        *add_public_id("inbox", "quarantine"),
    ]
