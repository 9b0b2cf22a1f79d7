"""Public ids: the random UUID by which a row with a sequential primary key is named in every
URL and API body, so no tenant can count another's activity (docs/security.md, "Ids").

A model keeps its integer primary key (foreign keys, backups and migrations stay as they are)
and gains ``uid``; views and the API look rows up by ``uid`` and show it as ``id``.
"""

from __future__ import annotations

import uuid

from django.db import migrations, models


def public_id_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


def add_public_id(app_label: str, model_name: str) -> list:
    """Migration operations adding ``uid`` to a model with rows: a nullable column, a fresh
    random UUID for every existing row, then unique and required (Django's documented way to
    add a unique field to a table with data)."""

    def fill(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = [model(pk=pk, uid=uuid.uuid4())
                for pk in model._default_manager.values_list("pk", flat=True)]
        model._default_manager.bulk_update(rows, ["uid"], batch_size=1000)

    return [
        migrations.AddField(model_name, "uid", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name, "uid", public_id_field()),
    ]
