"""A customer's credit exposure: open receivables + committed orders not yet invoiced + the order at hand."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.selectors.credit import (
    approval_threshold_for,
    company_approval_threshold,
    customer_exposure,
    customers_exposure,
    order_approval_reason,
)
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def _order(customer, quantity, price="100.00", *, by):
    return make_order(customer=customer, lines=[(ItemFactory(unit_price=D(price)), quantity)], by=by)


def test_exposure_adds_receivables_uninvoiced_orders_and_the_order_at_hand(manager, billing, django_assert_num_queries):
    # given: one posted invoice of 2 × 100 + 21 % = 242.00, 100.00 of it paid, due in the past (overdue)
    customer = make_customer(credit_limit=D("5000"), by=manager)
    billed = order_confirm(order=_order(customer, "2", by=manager), by=manager)
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=billed, basis="order", by=manager),
        invoice_date=datetime.date.today() - datetime.timedelta(days=45),
        store_pdf=False,
        by=billing,
    )
    payment_register(
        customer=customer, amount=D("100.00"), applications=[ApplicationInput(invoice=invoice)], by=billing
    )
    # a confirmed order of 10 × 100 (1210.00 gross) with 4 delivered and invoiced: 6/10 of it still to invoice
    partly = order_confirm(order=_order(customer, "10", by=manager), by=manager)
    line = partly.lines.get()
    slip = packing_slip_post(
        packing_slip=packing_slip_create(order=partly, quantities={line.pk: D("4")}, by=manager), by=manager
    )
    invoice_post(
        invoice=invoice_create_from_order(order=partly, packing_slips=[slip], by=manager),
        store_pdf=False,
        by=billing,
    )
    # an open order does not count yet; the order at hand (3 × 100 = 363.00) does
    _order(customer, "50", by=manager)
    at_hand = _order(customer, "3", by=manager)
    customer.refresh_from_db()

    # when
    with django_assert_num_queries(2):
        exposure = customer_exposure(customer, order=at_hand)

    # then: open receivables 242.00 − 100.00 + 484.00 (4 × 121.00) = 626.00, the first one overdue (142.00)
    assert exposure.receivables == D("626.00")
    assert exposure.overdue == D("142.00")
    # 6/10 of 1210.00
    assert exposure.uninvoiced_orders == D("726.00")
    assert exposure.order == D("363.00")
    assert exposure.total == D("1715.00")
    assert exposure.credit_limit == D("5000") and not exposure.over_limit


def test_a_credit_limit_of_zero_checks_no_limit(manager):
    customer = make_customer(by=manager)
    order = _order(customer, "1000", by=manager)
    exposure = customer_exposure(customer, order=order)
    assert exposure.total == D("121000.00") and not exposure.over_limit
    assert order_approval_reason(order, exposure) is None


def test_over_the_limit_names_the_figures(manager):
    # given
    customer = make_customer(credit_limit=D("1000"), by=manager)
    order_confirm(order=_order(customer, "5", by=manager), by=manager)  # 605.00 committed
    order = _order(customer, "4", by=manager)  # 484.00
    # when
    exposure = customer_exposure(customer, order=order)
    # then: 605.00 + 484.00 = 1089.00 > 1000.00
    assert exposure.over_limit
    assert order_approval_reason(order, exposure) == (
        "Credit limit exceeded: exposure EUR 1089.00 (open receivables 0.00, orders not yet invoiced 605.00, "
        "this order 484.00) is above the limit of EUR 1000.00."
    )


def test_exposure_of_many_customers_in_two_queries(manager, django_assert_num_queries):
    customers = [make_customer(credit_limit=D("100"), by=manager) for _ in range(3)]
    for index, customer in enumerate(customers):
        order_confirm(order=_order(customer, str(index + 1), by=manager), by=manager)
    with django_assert_num_queries(2):
        exposures = customers_exposure(customers)
    assert [exposures[c.pk].uninvoiced_orders for c in customers] == [D("121.00"), D("242.00"), D("363.00")]
    assert [exposures[c.pk].over_limit for c in customers] == [True, True, True]


def test_the_customers_threshold_overrules_the_companys(manager, settings):
    settings.SALESFLOW_ORDER_APPROVAL_THRESHOLD = "500"
    own = make_customer(approval_threshold=D("2000"), by=manager)
    other = make_customer(by=manager)
    assert approval_threshold_for(own) == D("2000")
    assert approval_threshold_for(other) == D("500")
    settings.SALESFLOW_ORDER_APPROVAL_THRESHOLD = ""
    assert approval_threshold_for(other) is None


def test_a_company_threshold_that_is_no_amount_is_a_configuration_error(settings):
    settings.SALESFLOW_ORDER_APPROVAL_THRESHOLD = "lots"
    with pytest.raises(ImproperlyConfigured, match="SALESFLOW_ORDER_APPROVAL_THRESHOLD"):
        company_approval_threshold()
