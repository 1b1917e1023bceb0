from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Backorder notices: read by everyone who reads order confirmations.
    dependencies = [
        ("invoicing", "0023_stock_roles"),
        ("salesapp", "0027_backorder_notice"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
