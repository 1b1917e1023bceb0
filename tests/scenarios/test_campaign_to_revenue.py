"""The marketing flow of the reference article, start to finish through the services: a campaign reaches a
segment, positive responses start the sales process, and the revenue that follows is attributed to the campaign."""

from decimal import Decimal

import pytest

from invoicing.choices import InvoiceBasis
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from marketing.choices import CampaignType, LeadSource, LeadState, OpportunityState, Response, TargetStatus
from marketing.models import CampaignTarget, Lead, Opportunity
from marketing.selectors.campaigns import campaign_stats
from marketing.services.campaign_targets import (
    SalesStart,
    campaign_calls_assign,
    campaign_targets_add,
    target_call_log,
    target_respond,
)
from marketing.services.campaigns import campaign_activate, campaign_complete, campaign_create
from marketing.services.leads import lead_convert, lead_qualify
from marketing.services.opportunities import opportunity_lose, opportunity_win
from marketing.services.parties import party_create
from marketing.services.segments import segment_create
from salesapp.services.opportunity_orders import order_create_for_opportunity
from salesapp.services.orders import OrderLineInput, order_confirm, order_line_add
from tests.factories.salesapp import ItemFactory, make_customer, tax_code
from tests.factories.users import builder

D = Decimal


def prospects(count: int, *, country: str, tags: list[str], prefix: str):
    return [
        party_create(
            name=f"{prefix} {n:02d} B.V.",
            email=f"{prefix.lower()}{n}@example.com",
            postcode=f"10{n:02d} AB",
            city="Amsterdam" if country == "NL" else "Malmö",
            country=country,
            tags=tags,
            by=builder(),
        )
        for n in range(count)
    ]


@pytest.mark.django_db
def test_campaign_to_attributed_revenue(clerk, manager, billing):
    # given: 50 Dutch office prospects, 8 Swedish ones and 4 Dutch customers with the same tag
    dutch = prospects(50, country="NL", tags=["office"], prefix="Kantoor")
    prospects(8, country="SE", tags=["office"], prefix="Kontor")
    for party in prospects(4, country="NL", tags=["office"], prefix="Klant"):
        make_customer(party=party)
    segment = segment_create(
        by=manager, name="Dutch office prospects", filters={"roles": ["prospect"], "country": "NL", "tags": ["office"]}
    )
    campaign = campaign_create(
        by=manager,
        name="Ergonomic chairs autumn call round",
        campaign_type=CampaignType.TELEMARKETING,
        budget=D("2500.00"),
    )

    # when: the segment becomes the campaign's targets, twice (the second time adds nobody)
    first = campaign_targets_add(campaign=campaign, by=manager, segment=segment)
    again = campaign_targets_add(campaign=campaign, by=manager, segment=segment)

    # then
    assert (first.added, first.skipped, first.excluded) == (50, 0, 0)
    assert (again.added, again.skipped) == (0, 50)
    targets = list(CampaignTarget.objects.filter(campaign=campaign).order_by("id"))
    assert {target.party_id for target in targets} == {party.pk for party in dutch}

    # when: the calls are split between two clerks and the campaign starts
    assert campaign_calls_assign(campaign=campaign, users=[clerk, manager], by=manager) == 50
    campaign = campaign_activate(campaign=campaign, by=manager)
    assigned = CampaignTarget.objects.filter(campaign=campaign).values_list("assigned_to_id", flat=True)
    assert sorted(assigned) == sorted([clerk.pk] * 25 + [manager.pk] * 25)

    # when: 30 calls: 5 positive (each starts a lead), 10 negative, 15 not answered; 20 targets never reached
    positive, negative, no_answer = targets[:5], targets[5:15], targets[15:30]
    for target in negative:
        target_call_log(target=target, by=clerk, outcome="reached", response=Response.NEGATIVE)
    for target in no_answer:
        target_call_log(target=target, by=clerk, outcome="no_answer")
        target_respond(target=target, by=clerk, response=Response.NO_ANSWER)
    leads = []
    for target in positive:
        target_call_log(target=target, by=clerk, outcome="reached")
        responded = target_respond(
            target=target, by=clerk, response=Response.POSITIVE, note="Wants an offer", start=SalesStart.LEAD
        )
        leads.append(responded.created_lead)

    # then: the leads hang on the campaign and on the party that was called
    assert all(lead.campaign_id == campaign.pk and lead.source == LeadSource.CAMPAIGN for lead in leads)
    assert [lead.party_id for lead in leads] == [target.party_id for target in positive]

    # when: the leads are qualified and converted into opportunities of 4,000.00 each
    opportunities = []
    for lead in leads:
        lead_qualify(lead=lead, by=clerk)
        opportunities.append(lead_convert(lead=Lead.objects.get(pk=lead.pk), by=clerk, expected_revenue=D("4000.00")))

    # then: the campaign is kept on every opportunity; the parties were reused, not duplicated
    assert Lead.objects.filter(campaign=campaign, state=LeadState.CONVERTED).count() == 5
    assert all(opportunity.campaign_id == campaign.pk for opportunity in opportunities)
    assert [opportunity.party_id for opportunity in opportunities] == [target.party_id for target in positive]

    # when: three are won with an order each (the prospect becomes a customer), two are lost
    chair = ItemFactory(number="CHAIR-ERGO", unit_price=D("450.00"), tax_code=tax_code("NL21"))
    orders = []
    for opportunity in opportunities[:3]:
        order = order_create_for_opportunity(opportunity=opportunity, by=clerk)
        order_line_add(order=order, line=OrderLineInput(item=chair, quantity=D("8")), by=clerk)
        orders.append(order_confirm(order=order, by=clerk))
        opportunity_win(opportunity=Opportunity.objects.get(pk=opportunity.pk), by=clerk)
    for opportunity in opportunities[3:]:
        opportunity_lose(opportunity=Opportunity.objects.get(pk=opportunity.pk), by=clerk, reason="Chose a rival")
    invoice = invoice_create_from_order(order=orders[0], basis=InvoiceBasis.ORDER, by=clerk)
    invoice_post(invoice=invoice, by=billing, store_pdf=False)
    campaign = campaign_complete(campaign=campaign, by=manager)

    # then: every order carries the campaign, and the campaign page adds it all up
    assert all(order.campaign_id == campaign.pk and order.customer.party.customer for order in orders)
    states = sorted(Opportunity.objects.filter(campaign=campaign).values_list("state", flat=True))
    assert states == [OpportunityState.LOST] * 2 + [OpportunityState.WON] * 3
    stats = campaign_stats(campaign=campaign)
    assert stats.total == 50
    assert dict((key, count) for key, _label, count in stats.by_status) == {
        TargetStatus.PENDING: 20,
        TargetStatus.CONTACTED: 0,
        TargetStatus.RESPONDED: 30,
        TargetStatus.EXCLUDED: 0,
    }
    assert (stats.contacted, stats.responded, stats.positive) == (30, 30, 5)
    assert (stats.response_rate, stats.positive_rate) == (D("100.0"), D("16.7"))
    assert (stats.leads_count, stats.opportunities_count) == (5, 5)
    assert stats.cost_per_positive == D("500.00")
    figures = {figure.key: figure.amount for figure in stats.revenue}
    # 3 orders × 8 chairs × 450.00 net; one of them invoiced
    assert figures["ordered_revenue"] == D("10800.00")
    assert figures["invoiced_revenue"] == D("3600.00")
    assert figures["orders_confirmed"] == 3
