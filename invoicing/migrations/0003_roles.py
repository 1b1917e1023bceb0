from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def create_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0002_setup"),
        ("marketing", "0001_initial"),
        ("salesapp", "0002_setup"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
