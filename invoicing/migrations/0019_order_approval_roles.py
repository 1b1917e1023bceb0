from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Sales managers approve or reject orders waiting for approval and put orders on hold; everyone reads the
    # decisions taken.
    dependencies = [
        ("invoicing", "0018_sales_agreement_roles"),
        ("salesapp", "0021_order_permissions_combined"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
