"""Stock moves stay as they were booked (DESIGN.md §4.4): on-hand is their sum, so a move is never changed or
deleted, whatever connection tries (the application's included); a mistake is corrected by a new move (an
adjustment, a canceled delivery). TRUNCATE is refused to every role but the table's owner (migrations, emptying a
test database)."""

from django.db import migrations

GUARD_SQL = """
CREATE OR REPLACE FUNCTION salesapp_stock_move_frozen() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Stock moves are kept as booked: % on % refused', TG_OP, TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION salesapp_stock_move_no_truncate() RETURNS trigger AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION 'Stock moves cannot be truncated (% by %)', TG_TABLE_NAME, current_user;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER salesapp_stockmove_frozen BEFORE UPDATE OR DELETE ON salesapp_stockmove
  FOR EACH ROW EXECUTE FUNCTION salesapp_stock_move_frozen();
CREATE TRIGGER salesapp_stockmove_no_truncate BEFORE TRUNCATE ON salesapp_stockmove
  FOR EACH STATEMENT EXECUTE FUNCTION salesapp_stock_move_no_truncate();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS salesapp_stockmove_no_truncate ON salesapp_stockmove;
DROP TRIGGER IF EXISTS salesapp_stockmove_frozen ON salesapp_stockmove;
DROP FUNCTION IF EXISTS salesapp_stock_move_no_truncate();
DROP FUNCTION IF EXISTS salesapp_stock_move_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("salesapp", "0028_shipping_notices")]
    operations = [migrations.RunSQL(GUARD_SQL, REVERSE_SQL)]
