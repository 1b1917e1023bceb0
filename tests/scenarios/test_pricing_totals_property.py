"""DESIGN.md §8: whatever the lines, discounts, agreed prices and tax codes, the invoice of an order (and the order
a quotation is accepted into) carries the totals to the cent (all round through core.money, once per line and once
per tax code)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import OrderLineInput, order_confirm, order_create
from salesapp.services.quotations import QuotationLineInput, quotation_accept, quotation_create, quotation_send
from tests.factories.salesapp import ItemFactory, PriceGroupFactory, make_agreement, make_customer, tax_code

pytestmark = pytest.mark.django_db

quantities = st.decimals(min_value="0.001", max_value="5000", places=3)
prices = st.decimals(min_value="0", max_value="99999", places=4)
discounts = st.decimals(min_value="0", max_value="100", places=2)
line_specs = st.fixed_dictionaries(
    {
        "quantity": quantities,
        "item_price": prices,
        "tax_code": st.sampled_from(["NL21", "NL9", "NL0", "SE25", "EURC"]),
        # None: the engine's price (an agreement for the group or the item's own price); a value: typed
        "agreed_price": st.none() | prices,
        "agreed_discount": st.none() | discounts,
        "typed_price": st.none() | prices,
        "typed_discount": st.none() | discounts,
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(line_specs, min_size=1, max_size=6))
def test_the_invoice_of_an_order_has_its_totals_to_the_cent(clerk, billing, specs):
    # given
    group = PriceGroupFactory()
    customer = make_customer(price_group=group)
    lines = []
    for spec in specs:
        item = ItemFactory(unit_price=spec["item_price"], tax_code=tax_code(spec["tax_code"]))
        if spec["agreed_price"] is not None:
            make_agreement(applies_to="price_group", price_group=group, item=item, unit_price=spec["agreed_price"])
        if spec["agreed_discount"] is not None:
            make_agreement(kind="discount", item=item, discount_percent=spec["agreed_discount"])
        lines.append(
            OrderLineInput(
                price_confirmed=True,  # zero prices are part of the property
                item=item,
                quantity=spec["quantity"],
                unit_price=spec["typed_price"],
                discount_percent=spec["typed_discount"],
            )
        )
    # when
    order = order_confirm(order=order_create(customer=customer, lines=lines, by=clerk), by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)
    if invoice.amount_total > 0:
        # A zero invoice has no journal entry to post (invoicing refuses it); its draft still carries the totals.
        invoice = invoice_post(invoice=invoice, store_pdf=False, by=billing)
    # then
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (
        order.amount_net,
        order.amount_tax,
        order.amount_total,
    )
    assert invoice.amount_total == invoice.amount_net + invoice.amount_tax
    assert sorted(line.price_source for line in invoice.lines.all()) == sorted(
        line.price_source for line in order.lines.all()
    )
    assert all(line.net_amount == line.net_amount.quantize(Decimal("0.01")) for line in invoice.lines.all())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(line_specs, min_size=1, max_size=5))
def test_a_quotation_accepted_into_an_order_and_invoiced_keeps_its_totals_to_the_cent(clerk, billing, specs):
    # given: a sent quotation of random lines, priced by agreements, the item price or typed
    group = PriceGroupFactory()
    customer = make_customer(price_group=group)
    lines = []
    for spec in specs:
        item = ItemFactory(unit_price=spec["item_price"], tax_code=tax_code(spec["tax_code"]))
        if spec["agreed_price"] is not None:
            make_agreement(applies_to="price_group", price_group=group, item=item, unit_price=spec["agreed_price"])
        if spec["agreed_discount"] is not None:
            make_agreement(kind="discount", item=item, discount_percent=spec["agreed_discount"])
        lines.append(
            QuotationLineInput(
                price_confirmed=True,
                item=item,
                quantity=spec["quantity"],
                unit_price=spec["typed_price"],
                discount_percent=spec["typed_discount"],
            )
        )
    quotation = quotation_send(quotation=quotation_create(customer=customer, lines=lines, by=clerk), by=clerk)

    # when: accepted into an order, which is invoiced
    order = quotation_accept(quotation=quotation, revision=1, by=clerk).sales_order
    order = order_confirm(order=order, by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)
    if invoice.amount_total > 0:
        invoice = invoice_post(invoice=invoice, store_pdf=False, by=billing)

    # then: the revision, the order and the invoice carry the same totals and lines
    revision = quotation.revisions.get(number=1)
    totals = (revision.amount_net, revision.amount_tax, revision.amount_total)
    assert (order.amount_net, order.amount_tax, order.amount_total) == totals
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == totals
    quoted = sorted((x.unit_price, x.discount_percent, x.price_source, x.net_amount) for x in revision.lines.all())
    assert sorted((x.unit_price, x.discount_percent, x.price_source, x.net_amount) for x in order.lines.all()) == quoted
