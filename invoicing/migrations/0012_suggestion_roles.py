from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Up-sell and cross-sell rules and standard line sets: sales managers keep them, everyone reads them; clerks
    # accept suggestions and insert sets through their right to change orders.
    dependencies = [
        ("invoicing", "0011_quotation_roles"),
        ("salesapp", "0010_product_relations_standard_lines"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
