"""What invoicing puts on a party's timeline and on a campaign's figures."""

from decimal import Decimal

from invoicing.contributions import campaign_invoiced_revenue, invoice_timeline
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.opportunity_orders import order_create_attributed
from salesapp.services.orders import OrderLineInput, order_confirm
from salesapp.services.quotations import quotation_accept, quotation_send
from tests.factories.marketing import CampaignFactory, PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def test_a_posted_invoice_counts_from_its_posting_not_its_draft(clerk, billing):
    # given: draft A, then draft B, then A is posted
    customer = make_customer()
    first, second = (order_confirm(order=make_order(customer=customer, by=clerk), by=clerk) for _ in range(2))
    draft_a = invoice_create_from_order(order=first, basis="order", by=clerk)
    draft_b = invoice_create_from_order(order=second, basis="order", by=clerk)
    posted_a = invoice_post(invoice=draft_a, by=billing, store_pdf=False)

    # when: the newest entry
    newest = invoice_timeline([customer.party_id], 1)

    # then: A, dated by its posting, although B was drafted later
    assert draft_b.created_at > posted_a.created_at
    assert [(entry.title, entry.at) for entry in newest] == [(posted_a.number, posted_a.posted_at)]


def test_campaign_revenue_counts_order_invoices_and_direct_quotation_invoices(clerk, billing):
    # given: a campaign with an order invoiced (8 × 450.00) and a quotation of services accepted straight into an
    # invoice (3 × 80.00); both invoices posted
    campaign = CampaignFactory()
    chair = ItemFactory(unit_price=D("450.00"))
    order = order_confirm(
        order=order_create_attributed(
            customer=make_customer(), campaign=campaign, lines=[OrderLineInput(item=chair, quantity=D("8"))], by=clerk
        ),
        by=clerk,
    )
    invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=clerk), by=billing, store_pdf=False)
    consulting = ItemFactory(unit_price=D("80.00"), item_type="service")
    quotation = make_quotation(party=PartyFactory(), campaign=campaign, lines=[(consulting, "3")], by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    accepted = quotation_accept(quotation=quotation, revision=1, convert_to="invoice", by=clerk)
    invoice_post(invoice=accepted.converted_document, by=billing, store_pdf=False)
    # and an unrelated campaign with nothing invoiced
    other = CampaignFactory()

    # when
    figures = campaign_invoiced_revenue([campaign.pk, other.pk])

    # then: 3,600.00 + 240.00
    assert [(figure.key, figure.amount) for figure in figures[campaign.pk]] == [("invoiced_revenue", D("3840.00"))]
    assert [(figure.key, figure.amount) for figure in figures[other.pk]] == [("invoiced_revenue", D("0"))]
