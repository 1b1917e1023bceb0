"""Prospect → quotation → revised twice → compare → accept r2 → order → packing slip → invoice, to the cent.

How revisions are numbered (salesapp.services.quotations): sending freezes what the customer sees as the next
revision, unless the quotation was not changed since its last revision. So: r1 is sent, revised with a change
and sent as r2, then revised a second time (the customer asked to see alternatives) but in the end sent back
unchanged: still r2. The customer accepts r2; naming r1 is refused as stale."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import TransitionRefused
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from marketing.services.parties import party_create
from salesapp.models import Customer, Quotation
from salesapp.selectors.quotations import revision_compare, revision_get
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create,
    quotation_line_add,
    quotation_line_update,
    quotation_revise,
    quotation_send,
)
from tests.factories.marketing import OpportunityFactory
from tests.factories.salesapp import ItemFactory, tax_code

D = Decimal


def test_prospect_quotation_revised_twice_accepted_r2_invoiced_to_the_cent(clerk, billing):
    # given: a prospect with an opportunity; three items at two tax rates
    prospect = party_create(by=clerk, kind="organization", name="Tailspin Toys", email="buy@tailspin.example")
    opportunity = OpportunityFactory(party=prospect)
    lamp = ItemFactory(number="LAMP", unit_price=D("19.99"), tax_code=tax_code("NL21"))
    book = ItemFactory(number="BOOK", unit_price=D("7.45"), tax_code=tax_code("NL9"))
    chair = ItemFactory(number="CHAIR", unit_price=D("149.00"), tax_code=tax_code("NL21"))

    # a quotation for the prospect, sent as r1
    quotation = quotation_create(
        by=clerk,
        party=prospect,
        opportunity=opportunity,
        lines=[
            QuotationLineInput(item=lamp, quantity=D("7")),
            QuotationLineInput(item=book, quantity=D("13"), discount_percent=D("2.5")),
        ],
    )
    quotation_send(quotation=quotation, by=clerk)

    # first revision: a better lamp price, a chair added → r2
    quotation_revise(quotation=quotation, by=clerk)
    lamp_line = quotation.lines.get(item=lamp)
    quotation_line_update(quotation_line=lamp_line, unit_price=D("18.333"), by=clerk)
    quotation_line_add(
        quotation=quotation,
        line=QuotationLineInput(item=chair, quantity=D("3"), discount_percent=D("12.5")),
        by=clerk,
    )
    quotation = quotation_send(quotation=quotation, by=clerk)
    assert quotation.current_revision == 2

    # second revision: reopened, nothing changed in the end, sent again: the customer still has r2
    quotation_revise(quotation=quotation, by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    assert (quotation.revision_count, quotation.current_revision) == (2, 2)

    # compare r1 with r2
    comparison = revision_compare(
        revision_get(quotation=quotation, number=1), revision_get(quotation=quotation, number=2)
    )
    assert [(line.item, line.kind, line.changed) for line in comparison.lines] == [
        ("LAMP", "changed", ("unit_price",)),
        ("BOOK", "same", ()),
        ("CHAIR", "added", ()),
    ]
    # r1: 7 × 19.99 = 139.93; 13 × 7.45 × 0.975 = 94.43 → tax 29.39 + 8.50 → 272.25
    # r2: 7 × 18.333 = 128.33; 94.43; 3 × 149 × 0.875 = 391.13 → tax (519.46) 109.09 + 8.50 → 731.48
    assert (comparison.a.amount_total, comparison.b.amount_total) == (D("272.25"), D("731.48"))
    assert comparison.total_delta == D("459.23")

    # a stale acceptance of r1 is refused
    try:
        quotation_accept(quotation=quotation, revision=1, by=clerk)
    except TransitionRefused as refused:
        assert refused.code == "quotation-revision-stale"
    else:
        raise AssertionError("r1 should be stale")

    # when: the customer accepts r2 (statements counted for the conversion)
    with CaptureQueriesContext(connection) as conversion:
        accepted = quotation_accept(quotation=quotation, revision=2, by=clerk)
    # Measured: 36 statements for these 3 lines (locks, the customer account with its tax group and its number,
    # the order and its number, the lines in one INSERT, the opportunity won, the audit rows and the activities,
    # each stamped done when its row was written).
    assert len(conversion) <= 36

    # then: the prospect is a customer, the order carries r2 exactly, the opportunity is won
    customer = Customer.objects.get(party=prospect)
    order = accepted.sales_order
    assert order.customer_id == customer.pk and accepted.customer_id == customer.pk
    assert list(
        order.lines.order_by("line_no").values_list("item__number", "unit_price", "discount_percent", "price_source")
    ) == [
        ("LAMP", D("18.3330"), D("0.00"), "manual"),
        ("BOOK", D("7.4500"), D("2.50"), "manual"),
        ("CHAIR", D("149.0000"), D("12.50"), "manual"),
    ]
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("613.89"), D("117.59"), D("731.48"))
    opportunity.refresh_from_db()
    assert opportunity.state == "won"

    # and through delivery and invoicing the total stays the same, to the cent
    order = order_confirm(order=order, by=clerk)
    slip = packing_slip_create(order=order, by=clerk)
    slip = packing_slip_post(packing_slip=slip, by=clerk)
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=order, basis="packing_slips", packing_slips=[slip], by=clerk),
        by=billing,
    )
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("613.89"), D("117.59"), D("731.48"))
    assert Quotation.objects.get(pk=quotation.pk).sales_order.state == "invoiced"
