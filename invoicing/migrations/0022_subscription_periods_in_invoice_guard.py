from django.db import migrations

from config.roles import ROLE_PERMISSIONS
from core.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps, ROLE_PERMISSIONS)


def _guard(billable: str) -> str:
    return f"""
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
    -- A returned order's line is billed by credit notes, whose quantities are negative: counted as billed too.
    SELECT COALESCE(SUM(ABS(il.quantity)), 0) INTO billed
      FROM invoicing_invoiceline il JOIN invoicing_invoice i ON i.id = il.invoice_id
     WHERE il.order_line_id = line_id AND i.state = 'posted';
    {billable}
    IF billed > billable THEN
      RAISE EXCEPTION 'Order line % is invoiced % but only % was delivered', line_id, billed, billable;
    END IF;
  END LOOP;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


# A subscription's line starts each period from zero (its ledger is reset once the period is billed): what it
# delivered in the periods before is kept in its period lines, and counts as delivered here.
WITH_PERIODS = _guard(
    """SELECT l.qty_delivered + l.qty_credited
           + COALESCE((SELECT SUM(p.qty_delivered) FROM salesapp_subscriptionperiodline p
                        WHERE p.order_line_id = line_id), 0)
      INTO billable FROM salesapp_salesorderline l WHERE l.id = line_id;"""
)
WITHOUT_PERIODS = _guard(
    "SELECT qty_delivered + qty_credited INTO billable FROM salesapp_salesorderline WHERE id = line_id;"
)


class Migration(migrations.Migration):
    # The database guard against over-invoicing learns the subscription periods; sales managers and billing
    # clerks start billing runs, everyone reads them and the periods billed.
    dependencies = [
        ("invoicing", "0021_billing_runs_and_subscription_invoices"),
        ("salesapp", "0024_subscription_billing_terms_and_periods"),
    ]
    operations = [
        migrations.RunSQL(WITH_PERIODS, WITHOUT_PERIODS),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
