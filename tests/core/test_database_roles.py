"""The database guards hold against the application's own connection (DESIGN.md §4, §5): it is neither the
tables' owner nor a superuser, so it can neither switch the guards off nor get around them."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from core.db_roles import as_owner
from invoicing.models import Invoice, JournalLine
from tests.factories.invoicing import posted_invoice

pytestmark = pytest.mark.django_db


def _refused(sql: str, params=(), match: str = "") -> str:
    with pytest.raises(DatabaseError, match=match) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(refused.value)


def test_the_application_connects_as_a_role_that_neither_owns_the_tables_nor_is_a_superuser():
    assert settings.SALESFLOW_DATABASE_OWNER, "the settings name an owner role besides the application's"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        )
        user, superuser, createrole, createdb = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname = 'public' AND pg_has_role(current_user, tableowner, 'USAGE')"
        )
        owned = cursor.fetchone()[0]
    assert user == connection.settings_dict["USER"] != settings.SALESFLOW_DATABASE_OWNER["USER"]
    assert (superuser, createrole, createdb) == (False, False, False)
    assert owned == 0


def test_the_application_cannot_switch_the_guards_off(clerk, billing):
    posted = posted_invoice(by=clerk, post_by=billing)
    _refused("ALTER TABLE invoicing_invoice DISABLE TRIGGER invoicing_invoice_guard", match="must be owner")
    _refused("ALTER TABLE invoicing_invoice DISABLE TRIGGER ALL", match="must be owner")
    _refused("DROP TRIGGER invoicing_invoice_guard ON invoicing_invoice", match="must be owner")
    _refused("SET session_replication_role = replica", match="permission denied")
    _refused("ALTER TABLE salesapp_salesorderline DROP CONSTRAINT order_line_not_over_invoiced", match="must be owner")
    assert Invoice.objects.get(pk=posted.pk).number == posted.number


def test_the_application_cannot_rewrite_a_posted_invoice_or_mark_it_paid(clerk, billing):
    posted = posted_invoice(by=clerk, post_by=billing)
    _refused("UPDATE invoicing_invoice SET amount_total = 1 WHERE id = %s", [posted.pk], "cannot be changed")
    _refused("UPDATE invoicing_invoice SET payment_state = 'paid' WHERE id = %s", [posted.pk], "paid")
    _refused("UPDATE invoicing_invoice SET state = 'canceled' WHERE id = %s", [posted.pk], "credit note")
    _refused("DELETE FROM invoicing_invoice WHERE id = %s", [posted.pk], "cannot be deleted")
    posted.refresh_from_db()
    assert (posted.state, posted.payment_state, posted.amount_paid) == ("posted", "unpaid", 0)


@pytest.mark.parametrize(
    "table",
    [
        "invoicing_invoice",
        "invoicing_invoiceline",
        "invoicing_invoicetax",
        "invoicing_journalentry",
        "invoicing_journalline",
    ],
)
def test_the_application_cannot_truncate_posted_documents(clerk, billing, table):
    posted_invoice(by=clerk, post_by=billing)
    _refused(f"TRUNCATE {table} CASCADE", match="permission denied")
    assert Invoice.objects.exists() and JournalLine.objects.exists()


def test_the_ledger_is_append_only_for_the_application(clerk, billing):
    posted_invoice(by=clerk, post_by=billing)
    _refused("UPDATE invoicing_journalline SET debit = 0", match="permission denied")
    _refused("DELETE FROM invoicing_journalentry", match="permission denied")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_role_granted_truncate_is_still_refused_by_the_trigger(clerk, billing):
    # given: posted documents, and the application role granted TRUNCATE on the ledger by mistake
    posted_invoice(by=clerk, post_by=billing)
    app_role = connection.settings_dict["USER"]
    with as_owner(connection), connection.cursor() as cursor:
        cursor.execute(f'GRANT TRUNCATE ON invoicing_journalline TO "{app_role}"')
    try:
        # when / then: the trigger refuses it; the owner (migrations, emptying a test database) may
        message = _refused("TRUNCATE invoicing_journalline", match="cannot be truncated")
        assert "invoicing_journalline" in message
        assert JournalLine.objects.exists()
    finally:
        with as_owner(connection), connection.cursor() as cursor:
            cursor.execute(f'REVOKE TRUNCATE ON invoicing_journalline FROM "{app_role}"')
