from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # The marketing models (leads, opportunities, campaigns, activities …) join the roles.
    dependencies = [
        ("invoicing", "0003_roles"),
        ("marketing", "0003_setup"),
        ("salesapp", "0003_order_attribution"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
