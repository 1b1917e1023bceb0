"""Sales agreements as the issue requires them: a release outside the agreement's validity is refused, and the
agreement's price beats a trade agreement all the way to the posted invoice; fulfilment follows the ledger."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import SalesOrder
from salesapp.selectors.agreements import agreement_fulfilment
from salesapp.services.agreements import AgreementLineInput, agreement_activate, agreement_create, agreement_release
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_agreement, make_customer, make_order, tax_code

pytestmark = pytest.mark.django_db

D = Decimal


def test_agreement_release_outside_validity_refused(manager, clerk):
    # given: an effective agreement for the coming month
    today = timezone.localdate()
    item = ItemFactory(number="A-100", unit_price=D("12.50"))
    agreement = agreement_create(
        customer=make_customer(),
        commitment_type="product_quantity",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=30),
        lines=[AgreementLineInput(item=item, committed_quantity=D("100"), unit_price=D("11"))],
        by=manager,
    )
    agreement = agreement_activate(agreement=agreement, by=manager)
    line = agreement.lines.get()

    # when: the clerk asks for a ship date a day after the agreement ends
    late = agreement.valid_to + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        agreement_release(agreement=agreement, lines=[(line, D("10"))], requested_ship_date=late, by=clerk)

    # then: refused naming the field, and no order exists
    assert list(refused.value.field_errors) == ["requested_ship_date"]
    assert SalesOrder.objects.count() == 0
    assert agreement_fulfilment(agreement).lines[0].released == D("0")

    # and on the last day of validity it is released
    order = agreement_release(
        agreement=agreement, lines=[(line, D("10"))], requested_ship_date=agreement.valid_to, by=clerk
    )
    assert order.agreement_id == agreement.pk


def test_agreement_price_beats_a_trade_agreement(manager, clerk, billing):
    # given: the customer's trade agreement sells A at 9.00, lower than the sales agreement's 11.00 less 2 %
    customer = make_customer()
    item = ItemFactory(number="A-100", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    make_agreement(applies_to="customer", customer=customer, item=item, unit_price=D("9.00"))
    today = timezone.localdate()
    agreement = agreement_create(
        customer=customer,
        commitment_type="product_quantity",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=90),
        lines=[
            AgreementLineInput(item=item, committed_quantity=D("100"), unit_price=D("11.00"), discount_percent=D("2"))
        ],
        by=manager,
    )
    agreement = agreement_activate(agreement=agreement, by=manager)
    # an order outside the agreement still gets the trade agreement's price
    plain = make_order(customer=customer, lines=[(item, "10")], by=clerk)
    assert plain.lines.get().unit_price == D("9.0000")

    # when: 10 are released from the agreement, delivered and invoiced
    order = agreement_release(
        agreement=agreement, lines=[(agreement.lines.get(), D("10"))], requested_ship_date=today, by=clerk
    )
    order = order_confirm(order=order, by=clerk)
    slip = packing_slip_create(order=order, by=clerk)
    packing_slip_post(packing_slip=slip, by=clerk)
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=billing), by=billing)

    # then: the order line carries the agreement's price, its source says so, and the invoice bills it:
    # 10 × 11.00 less 2 % = 107.80 net, 21 % tax 22.64, 130.44 gross
    line = order.lines.get()
    assert (line.unit_price, line.discount_percent, line.price_source, line.net_amount) == (
        D("11.0000"),
        D("2.00"),
        "sales_agreement",
        D("107.80"),
    )
    invoice.refresh_from_db()
    assert (invoice.amount_net, invoice.amount_total) == (D("107.80"), D("130.44"))
    fulfilment = agreement_fulfilment(agreement).lines[0]
    assert (fulfilment.released, fulfilment.delivered, fulfilment.invoiced) == (D("10"), D("10"), D("10"))
    assert SalesOrder.objects.get(pk=order.pk).state == "invoiced"
