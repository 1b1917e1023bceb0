"""The database guards hold against any connection, the application's included (DESIGN.md §5).

- A posted invoice's payment progress (``payment_state``, ``amount_paid``) changes only as the payment
  applications recorded against it justify: the amount paid is their sum and the state follows from it. A raw
  ``UPDATE … SET payment_state = 'paid'`` with no payment is refused.
- A posted invoice is not canceled by an UPDATE: it is corrected by a credit note (not built yet, so no
  state change away from "posted" is allowed).
- Posted invoices, their lines and taxes, and journal entries and lines refuse TRUNCATE from any role but the
  tables' owner (migrations, emptying a test database). The application's role lacks the privilege anyway.
- Over-invoicing: when an invoice is posted, what the posted invoices of each order line bill together never
  exceeds what was delivered (and credited back), checked at commit, whatever wrote the rows.
"""

from django.db import migrations

GUARD_SQL = """
CREATE OR REPLACE FUNCTION invoicing_invoice_guard() RETURNS trigger AS $$
DECLARE
  mutable text[] := ARRAY['payment_state', 'amount_paid', 'updated_at', 'pdf', 'state'];
  applied numeric;
  expected text;
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
    IF NEW.state <> OLD.state THEN
      RAISE EXCEPTION 'Invoice % cannot go from % to %: a posted invoice is corrected with a credit note',
        OLD.number, OLD.state, NEW.state;
    END IF;
    IF OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf THEN
      RAISE EXCEPTION 'The stored PDF of invoice % cannot be replaced', OLD.number;
    END IF;
  END IF;
  -- Payment progress, on the posting itself as on any later change of it, is what the applications justify.
  IF NEW.state <> 'draft' AND (OLD.state = 'draft' OR NEW.payment_state IS DISTINCT FROM OLD.payment_state
                               OR NEW.amount_paid IS DISTINCT FROM OLD.amount_paid) THEN
    SELECT COALESCE(SUM(amount), 0) INTO applied FROM invoicing_paymentapplication WHERE invoice_id = NEW.id;
    IF NEW.amount_paid <> applied THEN
      RAISE EXCEPTION 'Invoice % : paid % but payments of % are applied to it', NEW.number, NEW.amount_paid, applied;
    END IF;
    expected := 'partially_paid';
    IF applied <= 0 THEN
      expected := 'unpaid';
    ELSIF applied >= NEW.amount_total THEN
      expected := 'paid';
    END IF;
    IF NEW.payment_state <> expected THEN
      RAISE EXCEPTION 'Invoice % cannot be % with % of % paid', NEW.number, NEW.payment_state, applied,
        NEW.amount_total;
    END IF;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION invoicing_refuse_truncate() RETURNS trigger AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION 'Posted documents cannot be truncated (% by %)', TG_TABLE_NAME, current_user;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER invoicing_invoice_no_truncate BEFORE TRUNCATE ON invoicing_invoice
  FOR EACH STATEMENT EXECUTE FUNCTION invoicing_refuse_truncate();
CREATE TRIGGER invoicing_invoiceline_no_truncate BEFORE TRUNCATE ON invoicing_invoiceline
  FOR EACH STATEMENT EXECUTE FUNCTION invoicing_refuse_truncate();
CREATE TRIGGER invoicing_invoicetax_no_truncate BEFORE TRUNCATE ON invoicing_invoicetax
  FOR EACH STATEMENT EXECUTE FUNCTION invoicing_refuse_truncate();
CREATE TRIGGER invoicing_journalentry_no_truncate BEFORE TRUNCATE ON invoicing_journalentry
  FOR EACH STATEMENT EXECUTE FUNCTION invoicing_refuse_truncate();
CREATE TRIGGER invoicing_journalline_no_truncate BEFORE TRUNCATE ON invoicing_journalline
  FOR EACH STATEMENT EXECUTE FUNCTION invoicing_refuse_truncate();

CREATE OR REPLACE FUNCTION invoicing_invoice_not_over_invoiced() RETURNS trigger AS $$
DECLARE
  line_id bigint;
  billed numeric;
  billable numeric;
BEGIN
  -- One order line at a time, each through its own index: cheap whatever the planner knows of the tables.
  FOR line_id IN
    SELECT DISTINCT order_line_id FROM invoicing_invoiceline WHERE invoice_id = NEW.id AND order_line_id IS NOT NULL
  LOOP
    SELECT COALESCE(SUM(il.quantity), 0) INTO billed
      FROM invoicing_invoiceline il JOIN invoicing_invoice i ON i.id = il.invoice_id
     WHERE il.order_line_id = line_id AND i.state = 'posted';
    SELECT qty_delivered + qty_credited INTO billable FROM salesapp_salesorderline WHERE id = line_id;
    IF billed > billable THEN
      RAISE EXCEPTION 'Order line % is invoiced % but only % was delivered', line_id, billed, billable;
    END IF;
  END LOOP;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER invoicing_invoice_not_over_invoiced AFTER UPDATE OF state ON invoicing_invoice
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.state = 'posted' AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION invoicing_invoice_not_over_invoiced();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS invoicing_invoice_not_over_invoiced ON invoicing_invoice;
DROP FUNCTION IF EXISTS invoicing_invoice_not_over_invoiced();
DROP TRIGGER IF EXISTS invoicing_journalline_no_truncate ON invoicing_journalline;
DROP TRIGGER IF EXISTS invoicing_journalentry_no_truncate ON invoicing_journalentry;
DROP TRIGGER IF EXISTS invoicing_invoicetax_no_truncate ON invoicing_invoicetax;
DROP TRIGGER IF EXISTS invoicing_invoiceline_no_truncate ON invoicing_invoiceline;
DROP TRIGGER IF EXISTS invoicing_invoice_no_truncate ON invoicing_invoice;
DROP FUNCTION IF EXISTS invoicing_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0006_one_draft_invoice_per_order")]

    # The guard function is replaced in place (CREATE OR REPLACE): reversing leaves the stricter payment rule.
    operations = [migrations.RunSQL(GUARD_SQL, REVERSE_SQL)]
