from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Ship date notices are read by the roles that read order confirmations.
    dependencies = [
        ("invoicing", "0024_shipping_notice_roles"),
        ("salesapp", "0030_ship_date_notices"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
