from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    # Billing and the integrator email invoices; everyone who reads invoices reads their emails.
    dependencies = [("invoicing", "0028_invoice_emails")]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
