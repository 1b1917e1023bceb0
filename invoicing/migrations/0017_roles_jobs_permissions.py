from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # The jobs page is decided by its permissions (core.jobs): administrators ("*") get them once the job models
    # exist, whatever order the apps' migrations ran in.
    dependencies = [
        ("invoicing", "0016_close_remainder_roles"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
