from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Stock moves, inbound supply, re-allocating stock and canceling posted packing slips.
    dependencies = [
        ("invoicing", "0022_subscription_periods_in_invoice_guard"),
        ("salesapp", "0026_stock_moves_reservations_inbound_supply"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
