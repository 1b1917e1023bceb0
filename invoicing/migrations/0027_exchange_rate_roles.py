from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Everyone reads exchange rates; the sales manager and the integrator keep them.
    dependencies = [("invoicing", "0026_exchange_rates")]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
