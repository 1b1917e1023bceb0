from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Sales clerks, sales managers and integrators may type a line's price or discount over the engine's; sales
    # managers maintain trade agreements, price groups and tax determination, everyone reads them.
    dependencies = [
        ("invoicing", "0009_line_price_source"),
        ("salesapp", "0007_pricing_engine"),
        ("core", "0002_web_access"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
