"""Sales orders carry the opportunity and campaign they came from (attribution)."""

from marketing.services.opportunities import opportunity_create
from salesapp.models import SalesOrder
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import CampaignFactory, PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

URL = "/api/v1/sales-orders/"


def order_body(customer, **extra) -> dict:
    return {"customer": customer.pk, "lines": [{"item": ItemFactory().pk, "quantity": "2"}], **extra}


def test_order_created_for_an_opportunity_takes_its_campaign(integrator):
    # given
    campaign = CampaignFactory()
    customer = make_customer()
    opportunity = opportunity_create(by=integrator, party=customer.party, name="Spring order", campaign=campaign)

    # when
    response = api_client(integrator).post(URL, order_body(customer, opportunity=opportunity.pk), format="json")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["opportunity"], body["campaign"]) == (opportunity.pk, campaign.pk)
    order = SalesOrder.objects.get()
    assert (order.opportunity, order.campaign) == (opportunity, campaign)


def test_order_without_attribution_shows_nulls(integrator):
    response = api_client(integrator).post(URL, order_body(make_customer()), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["opportunity"], response.json()["campaign"]) == (None, None)


def test_order_for_another_partys_opportunity_is_refused_and_not_made(integrator):
    # given
    opportunity = opportunity_create(by=integrator, party=PartyFactory(), name="Someone else's deal")
    customer = make_customer()

    # when
    response = api_client(integrator).post(URL, order_body(customer, opportunity=opportunity.pk), format="json")

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "opportunity",
            "message": f"Opportunity {opportunity.number} is with another party than customer {customer.number}.",
        }
    ]
    assert not SalesOrder.objects.exists()


def test_order_with_a_campaign_other_than_the_opportunitys_is_refused(integrator):
    customer = make_customer()
    campaign, other = CampaignFactory(), CampaignFactory()
    opportunity = opportunity_create(by=integrator, party=customer.party, name="Deal", campaign=campaign)
    response = api_client(integrator).post(
        URL, order_body(customer, opportunity=opportunity.pk, campaign=other.pk), format="json"
    )
    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "campaign",
            "message": f"Opportunity {opportunity.number} came from campaign {campaign.number}: "
            "leave the campaign empty or choose that one.",
        }
    ]
    assert not SalesOrder.objects.exists()


def test_order_with_only_a_campaign(integrator):
    campaign = CampaignFactory()
    response = api_client(integrator).post(URL, order_body(make_customer(), campaign=campaign.pk), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["campaign"] == campaign.pk
