"""The statements each lead-to-cash step sends (bench/lead_to_cash.py reports the same per step).

Inside a test every service runs in the test's transaction, so its own ``atomic`` adds a SAVEPOINT and a
RELEASE: two statements more than the same step sends in production (the figures in the comments)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import OrderLineInput, order_confirm, order_create
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer

pytestmark = pytest.mark.django_db

SAVEPOINT = 2


def _statements(run):
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return result, [query["sql"] for query in captured.captured_queries]


def test_each_lead_to_cash_step_sends_its_statements_once_whatever_the_number_of_lines(clerk, billing):
    # given: a customer and five items (the benchmark's order)
    customer = make_customer()
    lines = [OrderLineInput(item=ItemFactory(unit_price=Decimal(10 + n)), quantity=Decimal(n + 1)) for n in range(5)]
    # warm the content type and permission caches of the actors
    order = order_confirm(order=order_create(customer=customer, lines=lines[:1], by=clerk), by=clerk)
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    invoice_post(invoice=invoice_create_from_order(order=order, packing_slips=[slip], by=clerk), by=billing)

    # when
    order, created = _statements(lambda: order_create(customer=customer, lines=lines, by=clerk))
    order, confirmed = _statements(lambda: order_confirm(order=order, by=clerk))
    slip, slip_created = _statements(lambda: packing_slip_create(order=order, by=clerk))
    slip, slip_posted = _statements(lambda: packing_slip_post(packing_slip=slip, by=clerk))
    invoice, invoice_created = _statements(
        lambda: invoice_create_from_order(order=order, packing_slips=[slip], by=clerk)
    )
    invoice, invoice_posted = _statements(lambda: invoice_post(invoice=invoice, store_pdf=False, by=billing))

    # then
    counts = [
        len(step) - SAVEPOINT
        for step in (created, confirmed, slip_created, slip_posted, invoice_created, invoice_posted)
    ]
    # order_create: the trade agreement look-up for all five lines in one statement, then number, order, lines;
    # order_confirm: lock, check, the state saved with its log row (core.transitions.transitions_saved), the
    # reservations, then the ship dates (the lines, all reserved in full, and one update); posting the slip: + the
    # stock moves and items in one, + the shipping notice read-and-written in one and its job
    assert counts == [4, 6, 4, 11, 7, 13]
    assert sum(counts) == 45
    order.refresh_from_db()
    assert order.state == "invoiced"
    assert invoice.amount_total == sum(line.net_amount for line in invoice.lines.all()) + invoice.amount_tax


def test_posting_locks_the_order_once_and_takes_its_numbers_in_one_statement(clerk, billing):
    customer = make_customer()
    item = ItemFactory(unit_price=Decimal("10.00"))
    order = order_confirm(
        order=order_create(customer=customer, lines=[OrderLineInput(item=item, quantity=Decimal(2))], by=clerk),
        by=clerk,
    )
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    invoice = invoice_create_from_order(order=order, packing_slips=[slip], by=clerk)

    _, statements = _statements(lambda: invoice_post(invoice=invoice, store_pdf=False, by=billing))

    order_locks = [sql for sql in statements if 'FROM "salesapp_salesorder"' in sql and "FOR UPDATE" in sql]
    number_takes = [sql for sql in statements if "core_numberseries" in sql]
    assert len(order_locks) == 1
    assert len(number_takes) == 1  # the invoice's and the journal entry's, together
    assert all(sql.startswith("UPDATE") and "RETURNING" in sql for sql in number_takes)
    # The number is taken after every document is locked (DESIGN.md §2.4).
    first_number = statements.index(number_takes[0])
    locks = [
        index
        for index, sql in enumerate(statements)
        if sql.rstrip().endswith(("FOR UPDATE", '"')) and "FOR UPDATE" in sql
    ]
    assert locks and max(locks) < first_number
