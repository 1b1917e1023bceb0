import importlib

from django.db import migrations

# The posted-invoice guard lets a posted invoice's payment progress, PDF and state change; its version moves with
# every such change (core/concurrency.py), so it is one of the columns the guard lets change. Same function as
# migration 0033 otherwise.
_guard = importlib.import_module("invoicing.migrations.0033_credit_note_links_cancel_and_correct")
BEFORE = "mutable text[] := ARRAY['payment_state', 'amount_paid', 'updated_at', 'pdf', 'state'];"
AFTER = "mutable text[] := ARRAY['payment_state', 'amount_paid', 'updated_at', 'pdf', 'state', 'version'];"
assert BEFORE in _guard.GUARD_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0037_versions"),
    ]

    operations = [
        migrations.RunSQL(_guard.GUARD_SQL.replace(BEFORE, AFTER), reverse_sql=_guard.GUARD_SQL),
    ]
