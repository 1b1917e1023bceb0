from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Managers maintain sales agreements, clerks release orders from them, everyone reads them.
    dependencies = [
        ("invoicing", "0017_roles_jobs_permissions"),
        ("salesapp", "0019_sales_agreement_versions_immutable"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
