from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Quotations: sales clerks, sales managers and integrators make, send and accept them; billing views them.
    dependencies = [
        ("invoicing", "0010_price_override_role"),
        ("salesapp", "0009_quotation_revisions_immutable"),
        ("core", "0002_web_access"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
