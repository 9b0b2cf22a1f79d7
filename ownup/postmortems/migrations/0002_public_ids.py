"""Public ids (random UUIDs) for the rows whose ids appear in URLs or API bodies; existing
rows each get a fresh one (see ownup.public_ids)."""

from django.db import migrations

from ownup.public_ids import add_public_id


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0001_initial")]

    operations = [
        *add_public_id("postmortems", "postmortemcomment"),
        *add_public_id("postmortems", "actionitem"),
    ]
