from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from invoicing.models import Invoice, InvoiceLine, JournalLine
from invoicing.services.invoices import invoice_create_from_order, invoice_delete, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


@pytest.fixture
def confirmed_order(clerk):
    item_a = ItemFactory(number="A-100", unit_price=D("12.50"))
    item_b = ItemFactory(number="B-200", unit_price=D("99.99"), item_type="service")
    order = make_order(lines=[(item_a, "10"), (item_b, "1", "99.99", "10")], by=clerk)
    return order_confirm(order=order, by=clerk)


def snapshot(invoice):
    invoice.refresh_from_db()
    return (invoice.state, invoice.number, invoice.amount_total, list(invoice.lines.values_list("quantity", flat=True)))


def test_basis_order_ships_the_remainder_when_posted(confirmed_order, clerk, billing):
    # given: 4 of 10 A already shipped
    line_a = confirmed_order.lines.get(line_no=10)
    packing_slip_post(
        packing_slip=packing_slip_create(order=confirmed_order, quantities={line_a.pk: D("4")}, by=clerk), by=clerk
    )

    # when: invoicing everything left
    invoice = invoice_create_from_order(order=confirmed_order, basis="order", by=clerk)
    assert [(line.item.number, line.quantity) for line in invoice.lines.order_by("line_no")] == [
        ("A-100", D("10.000")),
        ("B-200", D("1.000")),
    ]
    invoice_post(invoice=invoice, by=billing)

    # then: the undelivered 6 A and 1 B were delivered by the posting, the order is invoiced
    confirmed_order.refresh_from_db()
    assert confirmed_order.state == "invoiced"
    assert confirmed_order.packing_slips.filter(state="posted").count() == 2
    # 125.00 at 21 % + 89.99 (99.99 less 10 %) at 21 % → tax on the sum 214.99 → 45.15
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("214.99"), D("45.15"), D("260.14"))
    revenue = {p.account.number: p.credit for p in JournalLine.objects.filter(entry__invoice=invoice, credit__gt=0)}
    assert revenue == {"8000": D("125.00"), "8100": D("89.99"), "1600": D("45.15")}


def test_open_order_cannot_be_invoiced(clerk):
    order = make_order(by=clerk)
    with pytest.raises(TransitionRefused, match="confirm it first"):
        invoice_create_from_order(order=order, basis="order", by=clerk)
    assert Invoice.objects.count() == 0


def test_nothing_delivered_means_nothing_to_invoice_from_packing_slips(confirmed_order, clerk):
    with pytest.raises(TransitionRefused, match="nothing delivered and not yet invoiced"):
        invoice_create_from_order(order=confirmed_order, basis="packing_slips", by=clerk)


def test_second_draft_for_the_same_order_is_refused(confirmed_order, clerk):
    first = invoice_create_from_order(order=confirmed_order, basis="order", by=clerk)
    with pytest.raises(TransitionRefused, match=f"already has draft invoice #{first.pk}"):
        invoice_create_from_order(order=confirmed_order, basis="order", by=clerk)
    assert Invoice.objects.count() == 1


def test_unknown_basis_names_the_field(confirmed_order, clerk):
    with pytest.raises(ValidationFailed) as refused:
        invoice_create_from_order(order=confirmed_order, basis="everything", by=clerk)
    assert list(refused.value.field_errors) == ["basis"]


def test_posting_twice_is_refused_and_changes_nothing(confirmed_order, clerk, billing):
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=confirmed_order, basis="order", by=clerk), by=billing
    )
    before = snapshot(invoice)
    entries = JournalLine.objects.count()
    with pytest.raises(TransitionRefused, match="posted again"):
        invoice_post(invoice=invoice, by=billing)
    assert snapshot(invoice) == before
    assert JournalLine.objects.count() == entries


def test_posting_needs_the_permission(confirmed_order, clerk):
    invoice = invoice_create_from_order(order=confirmed_order, basis="order", by=clerk)
    with pytest.raises(ActionForbidden):
        invoice_post(invoice=invoice, by=clerk)
    confirmed_order.refresh_from_db()
    assert snapshot(invoice)[:2] == ("draft", None)
    assert confirmed_order.state == "confirmed"
    assert not confirmed_order.packing_slips.exists()


def test_posted_invoice_cannot_be_deleted_by_the_service(confirmed_order, clerk, billing):
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=confirmed_order, basis="order", by=clerk), by=billing
    )
    with pytest.raises(TransitionRefused, match="credit note"):
        invoice_delete(invoice=invoice, by=billing)
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_draft_invoice_can_be_deleted(confirmed_order, clerk):
    invoice = invoice_create_from_order(order=confirmed_order, basis="order", by=clerk)
    invoice_delete(invoice=invoice, by=clerk)
    assert not Invoice.objects.exists()


class TestDatabaseGuard:
    """Even code that bypasses the services cannot rewrite a posted invoice."""

    @pytest.fixture
    def posted(self, confirmed_order, clerk, billing):
        return invoice_post(
            invoice=invoice_create_from_order(order=confirmed_order, basis="order", by=clerk), by=billing
        )

    def test_orm_update_is_refused(self, posted):
        before = snapshot(posted)
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
            Invoice.objects.filter(pk=posted.pk).update(amount_total=D("1.00"))
        assert snapshot(posted) == before

    def test_raw_sql_update_is_refused(self, posted):
        before = snapshot(posted)
        with (
            pytest.raises(DatabaseError, match="cannot be changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE invoicing_invoice SET number = 'X-1' WHERE id = %s", [posted.pk])
        assert snapshot(posted) == before

    def test_raw_sql_delete_and_line_edits_are_refused(self, posted):
        before = snapshot(posted)
        with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM invoicing_invoice WHERE id = %s", [posted.pk])
        with pytest.raises(DatabaseError, match="rows cannot change"), transaction.atomic():
            InvoiceLine.objects.filter(invoice=posted).update(quantity=D("99"))
        assert snapshot(posted) == before

    def test_journal_is_append_only(self, posted):
        # The application role has no UPDATE right on the ledger (core/db_roles.py); the trigger refuses anyone.
        with pytest.raises(DatabaseError, match="permission denied|cannot change"), transaction.atomic():
            JournalLine.objects.filter(entry__invoice=posted).update(debit=D("0"))

    def test_payment_progress_changes_only_with_the_payments_applied(self, posted, billing):
        before = snapshot(posted)
        for sql in (
            "UPDATE invoicing_invoice SET payment_state = 'paid' WHERE id = %s",
            "UPDATE invoicing_invoice SET amount_paid = 10 WHERE id = %s",
            "UPDATE invoicing_invoice SET amount_paid = 10, payment_state = 'partially_paid' WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="paid"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [posted.pk])
        assert snapshot(posted) == before

        # when: a payment of 10.00 is registered and applied through the service
        payment_register(
            customer=posted.customer,
            amount=D("10.00"),
            applications=[ApplicationInput(invoice=posted, amount=D("10.00"))],
            by=billing,
        )

        # then: the progress follows the application
        posted.refresh_from_db()
        assert (posted.amount_paid, posted.payment_state) == (D("10.00"), "partially_paid")
        with pytest.raises(DatabaseError, match="cannot be paid"), transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE invoicing_invoice SET payment_state = 'paid' WHERE id = %s", [posted.pk])

    def test_a_posted_invoice_is_not_canceled_by_an_update(self, posted):
        before = snapshot(posted)
        with pytest.raises(DatabaseError, match="credit note"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE invoicing_invoice SET state = 'canceled' WHERE id = %s", [posted.pk])
        assert snapshot(posted) == before

    def test_posted_quantities_never_exceed_the_delivered_ones(self, posted, clerk):
        # given: a copy of the posted invoice's first line on a second invoice, posted behind the services' back
        line = posted.lines.order_by("line_no").first()
        with pytest.raises(DatabaseError, match="only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO invoicing_invoice (created_at, updated_at, customer_id, order_id, basis, number, state,"
                " payment_state, currency, amount_net, amount_tax, amount_total, amount_paid, pdf)"
                " SELECT now(), now(), customer_id, NULL, basis, 'X-2', 'draft', 'unpaid', currency, 0, 0, 0, 0, ''"
                " FROM invoicing_invoice WHERE id = %s RETURNING id",
                [posted.pk],
            )
            copy_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO invoicing_invoiceline (line_no, line_type, item_id, description, quantity, unit,"
                " unit_price, discount_percent, price_source, tax_code_id, net_amount, invoice_id, order_line_id,"
                " revenue_account_id) SELECT line_no, line_type, item_id, description, quantity, unit, unit_price,"
                " discount_percent, price_source, tax_code_id, net_amount, %s, order_line_id, revenue_account_id"
                " FROM invoicing_invoiceline WHERE id = %s",
                [copy_id, line.pk],
            )
            cursor.execute("UPDATE invoicing_invoice SET state = 'posted' WHERE id = %s", [copy_id])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_invoicing_costs_the_same_queries_for_1_or_10_lines(clerk, billing):
    def queries_for(line_count: int) -> tuple[int, int]:
        items = [ItemFactory() for _ in range(line_count)]
        order = order_confirm(order=make_order(lines=[(item, "2") for item in items], by=clerk), by=clerk)
        with CaptureQueriesContext(connection) as creating:
            invoice = invoice_create_from_order(order=order, basis="order", by=clerk)
        with CaptureQueriesContext(connection) as posting:
            invoice_post(invoice=invoice, store_pdf=False, by=billing)
        return len(creating), len(posting)

    # given / when: a 1-line and a 10-line order are invoiced and posted ("ship and invoice")
    queries_for(1)  # warm the per-process caches (content types, permissions)
    small, large = queries_for(1), queries_for(10)
    # then: no query per line
    assert small == large
