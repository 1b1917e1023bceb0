from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Everyone who reads quotations reads the record of their emails.
    dependencies = [
        ("invoicing", "0012_suggestion_roles"),
        ("salesapp", "0013_quotation_emails"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
