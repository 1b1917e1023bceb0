import datetime
from decimal import Decimal

from django.urls import reverse

from marketing.choices import OpportunityState
from marketing.models import Opportunity, OpportunityStage
from marketing.services.leads import lead_create
from marketing.services.opportunities import opportunity_create, opportunity_lose
from salesapp.models import SalesOrder
from salesapp.services.opportunity_orders import order_create_for_opportunity
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    ContactFactory,
    OpportunityFactory,
    PartyFactory,
)
from tests.factories.users import user_with_role

D = Decimal


def stage(name: str) -> OpportunityStage:
    return OpportunityStage.objects.get(name=name)


def make_opportunity(by, **overrides) -> Opportunity:
    values = {"party": PartyFactory(name="Dekker Zorg"), "name": "Furniture for the new wing"}
    return opportunity_create(by=by, **{**values, **overrides})


def numbers(response) -> list[str]:
    return [opportunity.number for opportunity in response.context["page_obj"]]


# list


def test_opportunity_list_searches_and_filters(client, clerk):
    # given
    party = PartyFactory(name="Kramer Techniek")
    campaign = CampaignFactory()
    match = OpportunityFactory(
        name="Workshop benches",
        party=party,
        stage=stage("Proposal"),
        owner=clerk,
        campaign=campaign,
        expected_close_date=datetime.date(2025, 9, 30),
    )
    OpportunityFactory(name="Workshop lights", state=OpportunityState.LOST)
    client.force_login(clerk)
    url = reverse("marketing:opportunity_list")

    # then
    assert len(numbers(client.get(url))) == 2
    assert numbers(client.get(url, {"q": "kramer"})) == [match.number]
    assert numbers(client.get(url, {"q": "workshop", "state": "open"})) == [match.number]
    assert numbers(client.get(url, {"stage": stage("Proposal").pk})) == [match.number]
    assert numbers(client.get(url, {"owner": clerk.pk, "campaign": campaign.pk})) == [match.number]
    assert numbers(client.get(url, {"party": party.pk})) == [match.number]
    assert numbers(client.get(url, {"close_from": "2025-09-01", "close_to": "2025-09-30"})) == [match.number]


def test_opportunity_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    campaign = CampaignFactory()
    for _ in range(3):
        OpportunityFactory(owner=clerk, campaign=campaign)
    client.force_login(clerk)
    url = reverse("marketing:opportunity_list")
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for _ in range(27):
        OpportunityFactory(owner=clerk, campaign=campaign)
    with django_assert_max_num_queries(12) as many:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert len(many) == len(few)


# pipeline


def test_pipeline_shows_a_column_per_stage_with_totals(client, clerk):
    # given
    OpportunityFactory(name="Desk deal", stage=stage("Proposal"), expected_revenue=D("1000"), probability=D("50"))
    OpportunityFactory(name="Chair deal", stage=stage("Proposal"), expected_revenue=D("250"), probability=D("50"))
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:pipeline"))

    # then
    columns = response.context["pipeline"].columns
    assert [(c.stage.name, c.count, c.revenue, c.weighted_revenue) for c in columns] == [
        ("Prospecting", 0, D("0"), D("0")),
        ("Qualification", 0, D("0"), D("0")),
        ("Proposal", 2, D("1250.00"), D("625.00")),
        ("Negotiation", 0, D("0"), D("0")),
    ]
    html = response.content.decode()
    assert "Desk deal" in html and "Chair deal" in html
    assert "2 open opportunities, 1,250.00 expected, 625.00 weighted" in html


def test_pipeline_query_count_does_not_grow_with_cards(client, clerk, django_assert_max_num_queries):
    for _ in range(3):
        OpportunityFactory(stage=stage("Proposal"), owner=clerk)
    client.force_login(clerk)
    url = reverse("marketing:pipeline")
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    for index in range(27):
        OpportunityFactory(stage=stage(["Prospecting", "Qualification", "Negotiation"][index % 3]), owner=clerk)
    with django_assert_max_num_queries(10) as many:
        response = client.get(url)
    assert response.context["pipeline"].count == 30
    assert len(many) == len(few)


def test_pipeline_move_next_with_htmx_swaps_the_board(client, clerk):
    # given
    opportunity = make_opportunity(clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:pipeline_move", args=[opportunity.pk]),
        {"step": "next", "query": f"owner={clerk.pk}"},
        HTTP_HX_REQUEST="true",
    )

    # then
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.probability) == ("Qualification", D("25.00"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "marketing/pipeline_board.html"
    assert response.context["filter_form"].data["owner"] == str(clerk.pk)
    assert f"{opportunity.number} is now in Qualification." in response.content.decode()


def test_pipeline_move_back_without_htmx_returns_to_the_pipeline(client, clerk):
    opportunity = make_opportunity(clerk, stage=stage("Proposal"))
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:pipeline_move", args=[opportunity.pk]), {"step": "previous", "query": "q=furniture"}
    )
    opportunity.refresh_from_db()
    assert response["Location"] == f"{reverse('marketing:pipeline')}?q=furniture"
    assert opportunity.stage.name == "Qualification"


def test_pipeline_move_past_the_last_stage_says_why(client, clerk):
    opportunity = make_opportunity(clerk, stage=stage("Negotiation"))
    client.force_login(clerk)
    response = client.post(reverse("marketing:pipeline_move", args=[opportunity.pk]), {"step": "next"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Opportunity {opportunity.number} is in the last stage (Negotiation): mark it won or lost instead."
    ]


def test_pipeline_move_needs_the_change_permission(client, clerk):
    opportunity = make_opportunity(clerk)
    client.force_login(user_with_role("billing clerk"))
    assert client.post(reverse("marketing:pipeline_move", args=[opportunity.pk]), {"step": "next"}).status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Prospecting"


# create / edit


def test_create_form_is_prefilled_from_a_lead(client, clerk):
    # given
    party, campaign = PartyFactory(), CampaignFactory()
    lead = lead_create(by=clerk, company_name="Bos Groep", party=party, campaign=campaign, owner=clerk, notes="Hot")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:opportunity_create"), {"lead": lead.pk})

    # then
    assert response.context["form"].initial == {
        "lead": lead.pk,
        "name": "Bos Groep",
        "owner": clerk.pk,
        "description": "Hot",
        "party": party.pk,
        "campaign": campaign.pk,
    }


def test_create_saves_through_the_service_with_the_stage_default(client, clerk):
    party = PartyFactory()
    contact = ContactFactory(party=party)
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:opportunity_create"),
        {
            "party": party.pk,
            "name": "Coffee machines",
            "stage": stage("Proposal").pk,
            "expected_revenue": "4800",
            "probability": "",
            "contact": contact.pk,
        },
    )
    opportunity = Opportunity.objects.get()
    assert response["Location"] == reverse("marketing:opportunity_detail", args=[opportunity.pk])
    assert (opportunity.probability, opportunity.contact, opportunity.created_by) == (D("50.00"), contact, clerk)


def test_create_refused_shows_the_reason_next_to_the_field(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:opportunity_create"),
        {"party": PartyFactory().pk, "name": "Big deal", "expected_revenue": "10", "probability": "150"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"probability": ["Probability must be between 0 and 100 %."]}
    assert not Opportunity.objects.exists()


def test_edit_keeps_the_probability_when_left_empty(client, clerk):
    opportunity = make_opportunity(clerk, probability=D("15"))
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:opportunity_update", args=[opportunity.pk]),
        {"party": opportunity.party_id, "name": "Renamed", "expected_revenue": "99", "probability": ""},
    )
    opportunity.refresh_from_db()
    assert response.status_code == 302
    assert (opportunity.name, opportunity.expected_revenue, opportunity.probability) == (
        "Renamed",
        D("99.00"),
        D("15.00"),
    )


# detail and actions


def test_open_opportunity_page_shows_actions_and_why_win_is_not_possible(client, clerk):
    # given
    opportunity = make_opportunity(clerk)
    ActivityFactory(party=opportunity.party, opportunity=opportunity, owner=clerk, subject="Site visit")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:opportunity_detail", args=[opportunity.pk]))

    # then
    html = response.content.decode()
    assert response.context["actions"] == {
        "edit": True,
        "stage": True,
        "quotation": True,
        "order": True,
        "win": False,
        "lose": True,
    }
    assert response.context["refusals"] == [
        (
            "Mark won",
            f"Opportunity {opportunity.number} has no sales order yet: create one for it before marking it won.",
        )
    ]
    assert reverse("salesapp:order_create_for_opportunity", args=[opportunity.pk]) in html
    assert "Site visit" in html
    assert f"?opportunity={opportunity.pk}&amp;party={opportunity.party_id}&amp;next=" in html


def test_order_button_creates_an_order_and_then_the_opportunity_can_be_won(client, clerk):
    # given
    opportunity = make_opportunity(clerk)
    client.force_login(clerk)

    # when: the order is made from the opportunity page
    response = client.post(reverse("salesapp:order_create_for_opportunity", args=[opportunity.pk]))

    # then: the clerk lands on the order, which shows where it came from
    order = SalesOrder.objects.get()
    assert response["Location"] == reverse("salesapp:order_detail", args=[order.pk])
    order_page = client.get(response["Location"]).content.decode()
    assert reverse("marketing:opportunity_detail", args=[opportunity.pk]) in order_page
    page = client.get(reverse("marketing:opportunity_detail", args=[opportunity.pk]))
    assert page.context["actions"]["win"] is True
    # the sales orders panel comes from salesapp through core.extensions
    assert [list(panel["orders"]) for panel in page.context["panels"] if panel["name"] == "sales_orders"] == [[order]]

    # and when it is won
    client.post(reverse("marketing:opportunity_win", args=[opportunity.pk]))
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.WON


def test_order_button_needs_the_sales_order_permission(client, clerk):
    opportunity = make_opportunity(clerk)
    client.force_login(user_with_role("billing clerk"))
    response = client.post(reverse("salesapp:order_create_for_opportunity", args=[opportunity.pk]))
    assert response.status_code == 403
    assert not SalesOrder.objects.exists()


def test_order_for_a_closed_opportunity_is_refused_with_the_reason(client, clerk):
    opportunity = opportunity_lose(opportunity=make_opportunity(clerk), by=clerk, reason="Budget cut")
    client.force_login(clerk)
    response = client.post(reverse("salesapp:order_create_for_opportunity", args=[opportunity.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Opportunity {opportunity.number} is Lost: orders are made for open opportunities only."
    ]
    assert not SalesOrder.objects.exists()


def test_win_refused_shows_the_reason(client, clerk):
    opportunity = make_opportunity(clerk)
    client.force_login(clerk)
    response = client.post(reverse("marketing:opportunity_win", args=[opportunity.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Opportunity {opportunity.number} has no sales order yet: create one for it before marking it won."
    ]
    opportunity.refresh_from_db()
    assert opportunity.state == OpportunityState.OPEN


def test_lose_needs_a_reason(client, clerk):
    opportunity = make_opportunity(clerk)
    client.force_login(clerk)
    response = client.post(reverse("marketing:opportunity_lose", args=[opportunity.pk]), {"reason": " "})
    assert response.status_code == 400
    lose = next(action for action in response.context["page"].buttons if action.name == "lose")
    assert lose.errors == ("This field is required.",)
    opportunity.refresh_from_db()
    assert opportunity.state == "open"
    response = client.post(reverse("marketing:opportunity_lose", args=[opportunity.pk]), {"reason": "Too late"})
    opportunity.refresh_from_db()
    assert (response.status_code, opportunity.state, opportunity.lost_reason) == (302, "lost", "Too late")


def test_stage_form_moves_the_opportunity(client, clerk):
    opportunity = make_opportunity(clerk)
    client.force_login(clerk)
    response = client.post(
        reverse("marketing:opportunity_stage", args=[opportunity.pk]), {"stage-stage": stage("Negotiation").pk}
    )
    opportunity.refresh_from_db()
    assert (response.status_code, opportunity.stage.name, opportunity.probability) == (302, "Negotiation", D("75.00"))


def test_closed_opportunity_page_offers_nothing(client, clerk):
    opportunity = opportunity_lose(opportunity=make_opportunity(clerk), by=clerk, reason="No budget")
    client.force_login(clerk)
    response = client.get(reverse("marketing:opportunity_detail", args=[opportunity.pk]))
    assert response.context["actions"] == {}  # a lost opportunity is done: nothing offered, nothing explained
    assert response.context["refusals"] == []
    assert "No budget" in response.content.decode()


def test_opportunity_page_query_count_does_not_grow(client, clerk, django_assert_max_num_queries):
    # given
    opportunity = make_opportunity(clerk)
    client.force_login(clerk)
    url = reverse("marketing:opportunity_detail", args=[opportunity.pk])
    for _ in range(3):
        ActivityFactory(party=opportunity.party, opportunity=opportunity, owner=clerk)
    order_create_for_opportunity(opportunity=opportunity, by=clerk)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200

    # when
    for index in range(27):
        ActivityFactory(
            party=opportunity.party,
            opportunity=opportunity,
            owner=user_with_role("sales clerk", username=f"clerk{index}"),
        )
    for _ in range(5):
        order_create_for_opportunity(opportunity=opportunity, by=clerk)

    # then
    with django_assert_max_num_queries(25) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
