"""The sales agreement number series, and versions that stay as they were recorded (DESIGN.md §4.2).

A version of an effective agreement is the record of what was agreed from then on: once written it is neither
changed nor deleted, whatever connection tries (the application's included). TRUNCATE is refused to every role
but the table's owner (migrations, emptying a test database)."""

from django.db import migrations

from core.numbering import number_series_ensure

GUARD_SQL = """
CREATE OR REPLACE FUNCTION salesapp_agreement_version_frozen() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Sales agreement versions are frozen as recorded: % on % refused', TG_OP, TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION salesapp_agreement_version_no_truncate() RETURNS trigger AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION 'Sales agreement versions cannot be truncated (% by %)', TG_TABLE_NAME, current_user;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER salesapp_salesagreementversion_frozen BEFORE UPDATE OR DELETE ON salesapp_salesagreementversion
  FOR EACH ROW EXECUTE FUNCTION salesapp_agreement_version_frozen();
CREATE TRIGGER salesapp_salesagreementversion_no_truncate BEFORE TRUNCATE ON salesapp_salesagreementversion
  FOR EACH STATEMENT EXECUTE FUNCTION salesapp_agreement_version_no_truncate();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS salesapp_salesagreementversion_no_truncate ON salesapp_salesagreementversion;
DROP TRIGGER IF EXISTS salesapp_salesagreementversion_frozen ON salesapp_salesagreementversion;
DROP FUNCTION IF EXISTS salesapp_agreement_version_no_truncate();
DROP FUNCTION IF EXISTS salesapp_agreement_version_frozen();
"""


def number_series(apps, schema_editor):
    number_series_ensure(apps, "sales_agreement", "Sales agreements", "SA-", width=6)


class Migration(migrations.Migration):
    dependencies = [("salesapp", "0018_sales_agreements"), ("core", "0001_initial")]
    operations = [
        migrations.RunPython(number_series, migrations.RunPython.noop),
        migrations.RunSQL(GUARD_SQL, REVERSE_SQL),
    ]
