"""Credit notes (the invoice of a returned order) on the customer's account: they lower the balance and the
open receivables, are never overdue, and are not paid."""

import datetime
from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from invoicing.models import Invoice, PaymentApplication
from invoicing.selectors.customer_accounts import customer_balance, customers_receivables
from invoicing.selectors.invoices import invoice_list, invoice_list_open
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.selectors.credit import customer_exposure
from salesapp.services.orders import order_confirm
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


@pytest.fixture
def credited(clerk, billing):
    """An invoice of 4 × 25.00 + 21 % = 121.00, posted long ago, and a credit note for 1 returned: −30.25."""
    item = ItemFactory(number="A-100", unit_price=D("25.00"), tax_code=tax_code("NL21"))
    customer = make_customer(credit_limit=D("1000"))
    order = order_confirm(order=make_order(customer=customer, lines=[(item, "4")], by=clerk), by=clerk)
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=order, basis="order", by=billing),
        invoice_date=datetime.date.today() - datetime.timedelta(days=90),
        by=billing,
    )
    returned = returned_order_create(order=order, quantities={order.lines.get().pk: D("1")}, by=clerk)
    returned_goods_receive(order=order_confirm(order=returned, by=clerk), by=clerk)
    credit = invoice_post(
        invoice=invoice_create_from_order(order=returned, basis="packing_slips", by=billing), by=billing
    )
    return customer, invoice, credit


def test_the_credit_note_lowers_balance_receivables_and_exposure_but_is_not_overdue(credited):
    customer, invoice, credit = credited

    assert customer_balance(customer=customer) == {
        "balance": D("90.75"),
        "overdue": D("121.00"),
        "total_sales": D("75.00"),
        "invoiced": D("90.75"),
        "received": D("0"),
    }
    receivables = customers_receivables([customer.pk])[customer.pk]
    assert (receivables.open, receivables.overdue) == (D("90.75"), D("121.00"))
    assert customer_exposure(customer).receivables == D("90.75")
    assert credit.is_overdue() is False
    assert [i.pk for i in invoice_list(overdue=True)] == [invoice.pk]
    assert [i.pk for i in invoice_list_open(customer_id=customer.pk)] == [invoice.pk]


def test_a_credit_note_alone_does_not_use_up_a_receipt(credited, billing):
    # A credit note taken into a receipt adds to what the receipt settles; on its own it settles nothing.
    customer, _invoice, credit = credited

    with pytest.raises(ValidationFailed) as refused:
        payment_register(customer=customer, amount=D("10"), applications=[ApplicationInput(invoice=credit)], by=billing)

    assert refused.value.field_errors == {
        "applications": "The credit notes applied exceed the invoices they settle by 30.25: apply them to "
        "invoices, or pay them out with a refund."
    }
    assert PaymentApplication.objects.count() == 0
    assert Invoice.objects.get(pk=credit.pk).refusal_reason("pay") == (
        "A credit note is not paid: it lowers what the customer owes on the account."
    )
