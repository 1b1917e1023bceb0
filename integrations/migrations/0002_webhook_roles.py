"""The integrator reads the event feed and keeps its webhook subscriptions."""

from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_webhooks"),
        ("core", "0006_event_outbox"),
        ("invoicing", "0036_invoice_bases_free_text_and_summary"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
