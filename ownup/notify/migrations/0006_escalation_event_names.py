"""The escalation events get the product's word: ``ack_breached`` -> ``escalation_ack`` and
``respond_breached`` -> ``escalation_respond``, in every stored row that names them (a
notification's event, rule and key, a workspace's rule override, a team chat channel's chosen
events). Reversible: going back rewrites them to the old names."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

#: old event name -> (new event name, old key prefix, new key prefix)
RENAMES = {
    "ack_breached": ("escalation_ack", "ack-breached:", "escalation-ack:"),
    "respond_breached": ("escalation_respond", "respond-breached:", "escalation-respond:"),
}
#: keys only: a held thread's missed client update (sent as escalation_respond)
KEY_RENAMES = {"update-breached:": "escalation-update:"}


def _rename(apps, pairs, keys):
    """``pairs``: (old event, new event, old key prefix, new key prefix); ``keys``: more
    (old key prefix, new key prefix)."""
    Notification = apps.get_model("notify", "Notification")
    NotifyRule = apps.get_model("notify", "NotifyRule")
    ChatChannel = apps.get_model("notify", "ChatChannel")
    names = {}
    for old, new, old_prefix, new_prefix in pairs:
        names[old] = new
        Notification.objects.filter(event=old).update(event=new)
        Notification.objects.filter(rule=old).update(rule=new)
        NotifyRule.objects.filter(event=old).update(event=new)
    for old_prefix, new_prefix in [(op, np) for _, _, op, np in pairs] + list(keys):
        Notification.objects.filter(key__startswith=old_prefix).update(
            key=Concat(Value(new_prefix), Substr("key", len(old_prefix) + 1)))
    for channel in ChatChannel.objects.only("pk", "events").iterator():
        events = [names.get(e, e) for e in channel.events or []]
        if events != channel.events:
            ChatChannel.objects.filter(pk=channel.pk).update(events=events)


def forwards(apps, schema_editor):
    _rename(apps, [(old, new, op, np) for old, (new, op, np) in RENAMES.items()],
            KEY_RENAMES.items())


def backwards(apps, schema_editor):
    _rename(apps, [(new, old, np, op) for old, (new, op, np) in RENAMES.items()],
            [(new, old) for old, new in KEY_RENAMES.items()])


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0005_claim_token_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
