"""The quotation number series, and revisions that stay as they were sent (DESIGN.md §4.2).

A quotation revision and its lines are what the customer was sent: once written they are neither changed nor
deleted, whatever connection tries (the application's included). TRUNCATE is refused to every role but the
tables' owner (migrations, emptying a test database)."""

from django.db import migrations

from core.numbering import number_series_ensure

GUARD_SQL = """
CREATE OR REPLACE FUNCTION salesapp_quotation_revision_frozen() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Quotation revisions are frozen as sent: % on % refused', TG_OP, TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION salesapp_quotation_revision_no_truncate() RETURNS trigger AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION 'Quotation revisions cannot be truncated (% by %)', TG_TABLE_NAME, current_user;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER salesapp_quotationrevision_frozen BEFORE UPDATE OR DELETE ON salesapp_quotationrevision
  FOR EACH ROW EXECUTE FUNCTION salesapp_quotation_revision_frozen();
CREATE TRIGGER salesapp_quotationrevisionline_frozen BEFORE UPDATE OR DELETE ON salesapp_quotationrevisionline
  FOR EACH ROW EXECUTE FUNCTION salesapp_quotation_revision_frozen();
CREATE TRIGGER salesapp_quotationrevision_no_truncate BEFORE TRUNCATE ON salesapp_quotationrevision
  FOR EACH STATEMENT EXECUTE FUNCTION salesapp_quotation_revision_no_truncate();
CREATE TRIGGER salesapp_quotationrevisionline_no_truncate BEFORE TRUNCATE ON salesapp_quotationrevisionline
  FOR EACH STATEMENT EXECUTE FUNCTION salesapp_quotation_revision_no_truncate();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS salesapp_quotationrevisionline_no_truncate ON salesapp_quotationrevisionline;
DROP TRIGGER IF EXISTS salesapp_quotationrevision_no_truncate ON salesapp_quotationrevision;
DROP TRIGGER IF EXISTS salesapp_quotationrevisionline_frozen ON salesapp_quotationrevisionline;
DROP TRIGGER IF EXISTS salesapp_quotationrevision_frozen ON salesapp_quotationrevision;
DROP FUNCTION IF EXISTS salesapp_quotation_revision_no_truncate();
DROP FUNCTION IF EXISTS salesapp_quotation_revision_frozen();
"""


def number_series(apps, schema_editor):
    number_series_ensure(apps, "quotation", "Quotations", "QT-", width=6)


class Migration(migrations.Migration):
    dependencies = [("salesapp", "0008_quotations"), ("core", "0001_initial")]
    operations = [
        migrations.RunPython(number_series, migrations.RunPython.noop),
        migrations.RunSQL(GUARD_SQL, REVERSE_SQL),
    ]
