from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Closing an order's remainder short and sending order confirmations: sales clerks, managers, integrators.
    dependencies = [
        ("invoicing", "0015_line_types_write_in_comment"),
        ("salesapp", "0017_order_confirmations"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
