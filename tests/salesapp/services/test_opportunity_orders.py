from decimal import Decimal

import pytest

from core.errors import TransitionRefused, ValidationFailed
from marketing.services.opportunities import opportunity_create, opportunity_lose
from salesapp.models import Customer, SalesOrder
from salesapp.services.customers import customer_update
from salesapp.services.opportunity_orders import order_create_for_opportunity
from tests.factories.marketing import CampaignFactory, PartyFactory
from tests.factories.salesapp import make_customer
from tests.factories.users import builder


def make_opportunity(by, *, party=None, campaign=None):
    return opportunity_create(
        by=by,
        party=party or PartyFactory(name="Nordin Kontor AB"),
        name="Reception desk",
        expected_revenue=Decimal("4200"),
        campaign=campaign,
    )


def test_a_prospect_gets_a_customer_account_and_an_open_order(clerk):
    # given: an opportunity from a campaign, with a prospect
    campaign = CampaignFactory()
    opportunity = make_opportunity(clerk, campaign=campaign)

    # when
    order = order_create_for_opportunity(opportunity=opportunity, by=clerk)

    # then
    customer = Customer.objects.get(party=opportunity.party)
    order.refresh_from_db()
    assert customer.number.startswith("C") and len(customer.number) == 6
    assert (customer.currency, customer.payment_terms_days, customer.created_by) == ("EUR", 30, clerk)
    assert (order.customer, order.state, order.opportunity, order.campaign, order.created_by) == (
        customer,
        "open",
        opportunity,
        campaign,
        clerk,
    )
    assert (order.lines.count(), order.amount_total) == (0, Decimal("0.00"))


def test_an_existing_customer_keeps_its_account(clerk):
    customer = make_customer(currency="SEK")
    opportunity = make_opportunity(clerk, party=customer.party)
    order = order_create_for_opportunity(opportunity=opportunity, by=clerk)
    assert (order.customer, order.currency, order.campaign) == (customer, "SEK", None)
    assert Customer.objects.count() == 1


def test_a_closed_opportunity_gets_no_order(clerk):
    opportunity = opportunity_lose(opportunity=make_opportunity(clerk), by=clerk, reason="No budget")
    with pytest.raises(TransitionRefused) as refused:
        order_create_for_opportunity(opportunity=opportunity, by=clerk)
    assert refused.value.reason == (
        f"Opportunity {opportunity.number} is Lost: orders are made for open opportunities only."
    )
    assert (Customer.objects.count(), SalesOrder.objects.count()) == (0, 0)


def test_a_blocked_customer_gets_no_order(clerk):
    customer = make_customer()
    customer_update(customer=customer, blocked=True, blocked_reason="Unpaid invoices", by=builder())
    opportunity = make_opportunity(clerk, party=customer.party)
    with pytest.raises(ValidationFailed) as refused:
        order_create_for_opportunity(opportunity=opportunity, by=clerk)
    assert refused.value.field_errors == {"customer": f"Customer {customer.number} is blocked: Unpaid invoices."}
    assert not SalesOrder.objects.exists()
