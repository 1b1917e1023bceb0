from django.db import migrations

from core.numbering import number_series_ensure

ACCOUNTS = [
    # number, name, kind, role
    ("1100", "Bank", "asset", "bank"),
    ("1300", "Accounts receivable", "asset", "receivable"),
    ("1600", "Output tax 21 %", "liability", None),
    ("1610", "Output tax 9 %", "liability", None),
    ("1620", "Output tax 0 % / reverse charge", "liability", None),
    ("1630", "Output tax SE 25 %", "liability", None),
    ("8000", "Revenue, goods", "revenue", "revenue_goods"),
    ("8100", "Revenue, services", "revenue", "revenue_services"),
]
TAX_ACCOUNTS = {"NL21": "1600", "NL9": "1610", "NL0": "1620", "EURC": "1620", "SE25": "1630"}

# Posted invoices and the ledger never change (DESIGN.md §5); the service refuses first, the database
# refuses too, so neither a bug nor a raw UPDATE can rewrite what was sent to a customer.
GUARD_SQL = """
CREATE OR REPLACE FUNCTION invoicing_invoice_guard() RETURNS trigger AS $$
DECLARE
  mutable text[] := ARRAY['payment_state', 'amount_paid', 'updated_at', 'pdf', 'state'];
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'Invoice % is posted and cannot be deleted', OLD.number;
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state <> 'draft' THEN
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
      RAISE EXCEPTION 'Invoice % is posted and cannot be changed: correct it with a credit note', OLD.number;
    END IF;
    IF NEW.state <> OLD.state AND NOT (OLD.state = 'posted' AND NEW.state = 'canceled') THEN
      RAISE EXCEPTION 'Invoice % cannot go from % to %', OLD.number, OLD.state, NEW.state;
    END IF;
    IF OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf THEN
      RAISE EXCEPTION 'The stored PDF of invoice % cannot be replaced', OLD.number;
    END IF;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoice_guard BEFORE UPDATE OR DELETE ON invoicing_invoice
  FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_guard();

CREATE OR REPLACE FUNCTION invoicing_invoice_child_guard() RETURNS trigger AS $$
DECLARE
  parent_state text;
  parent_id bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN parent_id := OLD.invoice_id; ELSE parent_id := NEW.invoice_id; END IF;
  SELECT state INTO parent_state FROM invoicing_invoice WHERE id = parent_id;
  IF parent_state IS NOT NULL AND parent_state <> 'draft' THEN
    RAISE EXCEPTION 'Invoice % is posted: its % rows cannot change', parent_id, TG_TABLE_NAME;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoiceline_guard BEFORE INSERT OR UPDATE OR DELETE ON invoicing_invoiceline
  FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_child_guard();
CREATE TRIGGER invoicing_invoicetax_guard BEFORE INSERT OR UPDATE OR DELETE ON invoicing_invoicetax
  FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_child_guard();

CREATE OR REPLACE FUNCTION invoicing_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Posted journal entries cannot change (% on %)', TG_OP, TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_journalentry_append_only BEFORE UPDATE OR DELETE ON invoicing_journalentry
  FOR EACH ROW EXECUTE FUNCTION invoicing_ledger_append_only();
CREATE TRIGGER invoicing_journalline_append_only BEFORE UPDATE OR DELETE ON invoicing_journalline
  FOR EACH ROW EXECUTE FUNCTION invoicing_ledger_append_only();
"""

UNGUARD_SQL = """
DROP TRIGGER IF EXISTS invoicing_journalline_append_only ON invoicing_journalline;
DROP TRIGGER IF EXISTS invoicing_journalentry_append_only ON invoicing_journalentry;
DROP FUNCTION IF EXISTS invoicing_ledger_append_only();
DROP TRIGGER IF EXISTS invoicing_invoicetax_guard ON invoicing_invoicetax;
DROP TRIGGER IF EXISTS invoicing_invoiceline_guard ON invoicing_invoiceline;
DROP FUNCTION IF EXISTS invoicing_invoice_child_guard();
DROP TRIGGER IF EXISTS invoicing_invoice_guard ON invoicing_invoice;
DROP FUNCTION IF EXISTS invoicing_invoice_guard();
"""


def setup(apps, schema_editor):
    number_series_ensure(apps, "invoice", "Customer invoices", "INV-", width=6)
    number_series_ensure(apps, "payment", "Payments", "PAY-", width=6)
    number_series_ensure(apps, "journal", "Journal entries", "JE-", width=7)
    LedgerAccount = apps.get_model("invoicing", "LedgerAccount")
    for number, name, kind, role in ACCOUNTS:
        LedgerAccount.objects.get_or_create(number=number, defaults={"name": name, "kind": kind, "role": role})
    TaxCode = apps.get_model("salesapp", "TaxCode")
    TaxCodeAccount = apps.get_model("invoicing", "TaxCodeAccount")
    for code, account_number in TAX_ACCOUNTS.items():
        tax_code = TaxCode.objects.filter(code=code).first()
        if tax_code:
            TaxCodeAccount.objects.get_or_create(
                tax_code=tax_code, defaults={"account": LedgerAccount.objects.get(number=account_number)}
            )


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial"), ("salesapp", "0002_setup"), ("core", "0001_initial")]
    operations = [
        migrations.RunPython(setup, migrations.RunPython.noop),
        migrations.RunSQL(GUARD_SQL, UNGUARD_SQL),
    ]
