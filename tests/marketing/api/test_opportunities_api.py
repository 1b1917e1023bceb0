import datetime

from django.utils import timezone

from marketing.models import Opportunity, OpportunityStage
from marketing.services.opportunities import opportunity_create
from salesapp.services.opportunity_orders import order_create_for_opportunity
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import CampaignFactory, ContactFactory, OpportunityFactory, PartyFactory
from tests.factories.users import user_with_role

URL = "/api/v1/opportunities/"


def stage(name: str) -> OpportunityStage:
    return OpportunityStage.objects.get(name=name)


def make_opportunity(by, **overrides) -> Opportunity:
    values = {"party": PartyFactory(name="Willems Bakkerij"), "name": "Shop fitting"}
    return opportunity_create(by=by, **{**values, **overrides})


def test_create_opportunity(integrator):
    # given
    party = PartyFactory()
    contact = ContactFactory(party=party)
    campaign = CampaignFactory()

    # when
    response = api_client(integrator).post(
        URL,
        {
            "party": party.pk,
            "name": "Display counters",
            "expected_revenue": "12000.00",
            "expected_close_date": "2025-12-15",
            "contact": contact.pk,
            "campaign": campaign.pk,
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    opportunity = Opportunity.objects.get()
    assert {
        k: body[k]
        for k in ("id", "state", "stage_name", "probability", "expected_revenue", "weighted_revenue", "contact")
    } == {
        "id": opportunity.pk,
        "state": "open",
        "stage_name": "Prospecting",
        "probability": "10.00",
        "expected_revenue": "12000.00",
        "weighted_revenue": "1200.00",
        "contact": contact.pk,
    }
    assert (body["number"], body["campaign"], body["expected_close_date"]) == (
        opportunity.number,
        campaign.pk,
        "2025-12-15",
    )


def test_create_refused_names_the_fields(integrator):
    response = api_client(integrator).post(
        URL,
        {"party": PartyFactory().pk, "name": "", "expected_revenue": "-1", "probability": "120"},
        format="json",
    )
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "name", "message": "An opportunity needs a subject."},
        {"field": "expected_revenue", "message": "Expected revenue cannot be negative."},
        {"field": "probability", "message": "Probability must be between 0 and 100 %."},
    ]
    assert not Opportunity.objects.exists()


def test_list_filters_and_searches(integrator):
    # given
    party = PartyFactory(name="Willems Bakkerij")
    match = OpportunityFactory(party=party, stage=stage("Proposal"), expected_close_date=datetime.date(2025, 11, 1))
    OpportunityFactory(name="Other", state="lost")
    api = api_client(integrator)

    def ids(**params):
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then
    assert ids(search="willems") == [match.pk]
    assert ids(state="open") == [match.pk]
    assert ids(stage=stage("Proposal").pk, party=party.pk) == [match.pk]
    assert ids(close_from="2025-10-01", close_to="2025-11-30") == [match.pk]
    assert ids(updated_since=(timezone.now() + datetime.timedelta(hours=1)).isoformat()) == []


def test_list_query_count_does_not_grow(integrator, django_assert_max_num_queries):
    api = api_client(integrator)
    for _ in range(3):
        OpportunityFactory(owner=integrator, campaign=CampaignFactory())
    with django_assert_max_num_queries(10) as few:
        assert api.get(URL).status_code == 200
    for _ in range(27):
        OpportunityFactory(owner=integrator, campaign=CampaignFactory())
    with django_assert_max_num_queries(10) as many:
        response = api.get(URL)
    assert len(response.json()["results"]) == 30
    assert len(many) == len(few)


def test_partial_update_and_closed_ones_refuse(integrator):
    opportunity = make_opportunity(integrator)
    api = api_client(integrator)
    response = api.patch(f"{URL}{opportunity.pk}/", {"expected_revenue": "640.50"}, format="json")
    assert response.status_code == 200 and response.json()["expected_revenue"] == "640.50"
    api.post(f"{URL}{opportunity.pk}/lose/", {"reason": "Chose a competitor"}, format="json")
    body = problem(api.patch(f"{URL}{opportunity.pk}/", {"name": "Again"}, format="json"), 409)
    assert body["detail"] == f"Opportunity {opportunity.number} is Lost: only open opportunities can change."


def test_set_stage(integrator):
    opportunity = make_opportunity(integrator)
    response = api_client(integrator).post(
        f"{URL}{opportunity.pk}/set-stage/", {"stage": stage("Negotiation").pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["stage_name"], response.json()["probability"]) == ("Negotiation", "75.00")


def test_win_needs_an_order(integrator):
    # given
    opportunity = make_opportunity(integrator)
    api = api_client(integrator)

    # when / then: refused without an order
    body = problem(api.post(f"{URL}{opportunity.pk}/win/"), 409)
    assert body["code"] == "opportunity-not-winnable"
    assert body["detail"] == (
        f"Opportunity {opportunity.number} has no sales order yet: create one for it before marking it won."
    )

    # and won once there is one
    order_create_for_opportunity(opportunity=opportunity, by=integrator)
    response = api.post(f"{URL}{opportunity.pk}/win/")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["probability"]) == ("won", "100.00")


def test_lose_needs_a_reason(integrator):
    opportunity = make_opportunity(integrator)
    api = api_client(integrator)
    body = problem(api.post(f"{URL}{opportunity.pk}/lose/", {"reason": " "}, format="json"), 400)
    assert body["errors"] == [{"field": "reason", "message": "Say why the opportunity was lost."}]
    response = api.post(f"{URL}{opportunity.pk}/lose/", {"reason": "Price"}, format="json")
    assert (response.json()["state"], response.json()["lost_reason"]) == ("lost", "Price")


def test_actions_need_the_change_permission(db):
    opportunity = make_opportunity(None)
    problem(api_client(user_with_role("billing clerk")).post(f"{URL}{opportunity.pk}/lose/", {"reason": "x"}), 403)
    opportunity.refresh_from_db()
    assert opportunity.state == "open"


def test_stages_are_listed_in_pipeline_order(integrator, manager):
    OpportunityStage.objects.create(name="Discovery", sequence=15, probability="15")
    OpportunityStage.objects.filter(name="Negotiation").update(active=False)
    api = api_client(integrator)
    response = api.get("/api/v1/opportunity-stages/")
    assert response.status_code == 200
    assert [(row["name"], row["probability"], row["active"]) for row in response.json()] == [
        ("Prospecting", "10.00", True),
        ("Discovery", "15.00", True),
        ("Qualification", "25.00", True),
        ("Proposal", "50.00", True),
        ("Negotiation", "75.00", False),
    ]
    assert [row["name"] for row in api.get("/api/v1/opportunity-stages/", {"active": "false"}).json()] == [
        "Negotiation"
    ]
    assert [row["name"] for row in api.get("/api/v1/opportunity-stages/", {"search": "disc"}).json()] == ["Discovery"]
    # read-only, even for a manager who may set stages up in the admin
    refused = api_client(manager).post("/api/v1/opportunity-stages/", {"name": "X"}, format="json")
    assert refused.status_code == 405
