"""Public ids (random UUIDs) for the rows whose ids appear in URLs or API bodies; existing
rows each get a fresh one (see ownup.public_ids)."""

from django.db import migrations

from ownup.public_ids import add_public_id


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_incident_team_disruption_incidentthread_and_more")]

    operations = [
        *add_public_id("incidents", "timelineentry"),
        *add_public_id("incidents", "clientmessage"),
        *add_public_id("incidents", "disruption"),
    ]
