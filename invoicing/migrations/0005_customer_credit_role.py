from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Credit terms of customers: sales managers, billing clerks and integrators may set them, clerks no longer;
    # the web pages are for people, so the integrator (an account for other systems) no longer has them.
    dependencies = [
        ("invoicing", "0004_marketing_roles"),
        ("salesapp", "0004_customer_credit_permission"),
        ("core", "0002_web_access"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
