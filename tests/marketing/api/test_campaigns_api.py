from decimal import Decimal

from django.core import mail

from core.jobs import jobs_run_due
from marketing.choices import CampaignType, Response, TargetStatus
from marketing.models import Campaign
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_create
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import (
    CampaignFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    SegmentFactory,
)
from tests.factories.salesapp import ItemFactory, make_order

URL = "/api/v1/campaigns/"
D = Decimal


def make_campaign(by, campaign_type=CampaignType.TELEMARKETING, **fields) -> Campaign:
    return campaign_create(by=by, name="Autumn chairs", campaign_type=campaign_type, **fields)


def test_create_campaign(integrator, clerk):
    # when
    response = api_client(integrator).post(
        URL,
        {
            "name": " Autumn chairs ",
            "campaign_type": "email",
            "owner": clerk.pk,
            "start_date": "2025-09-01",
            "end_date": "2025-09-30",
            "budget": "1500.00",
            "email_subject": "Offer for {{ target.name }}",
            "email_body": "Hello",
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    campaign = Campaign.objects.get()
    assert {key: body[key] for key in ("id", "number", "name", "campaign_type", "state", "owner", "budget")} == {
        "id": campaign.pk,
        "number": "CM-00001",
        "name": "Autumn chairs",
        "campaign_type": "email",
        "state": "planned",
        "owner": clerk.pk,
        "budget": "1500.00",
    }
    assert (body["targets_count"], body["leads_count"]) == (0, 0)
    assert campaign.created_by == integrator


def test_create_campaign_refusal_names_the_field(integrator):
    # when
    response = api_client(integrator).post(
        URL,
        {"name": "X", "campaign_type": "mailing", "start_date": "2025-05-10", "end_date": "2025-05-01"},
        format="json",
    )

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "end_date", "message": "The campaign cannot end before it starts (2025-05-10)."}
    ]
    assert Campaign.objects.count() == 0


def test_partial_update_campaign(integrator, clerk):
    # given
    campaign = make_campaign(clerk)

    # when
    response = api_client(integrator).patch(f"{URL}{campaign.pk}/", {"budget": "99.5"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["budget"] == "99.50"


def test_list_filters_and_searches_with_figures(integrator, clerk):
    # given
    mailing = CampaignFactory(name="Spring mailing", campaign_type=CampaignType.MAILING, owner=clerk)
    CampaignTargetFactory(campaign=mailing, status=TargetStatus.RESPONDED, response=Response.POSITIVE)
    CampaignFactory(name="Autumn calls", campaign_type=CampaignType.TELEMARKETING)
    api = api_client(integrator)

    # when
    by_type = api.get(URL, {"campaign_type": "mailing"}).json()["results"]
    by_owner = api.get(URL, {"owner": clerk.pk}).json()["results"]
    searched = api.get(URL, {"search": "autumn"}).json()["results"]

    # then
    assert [(row["name"], row["targets_count"], row["positive_count"]) for row in by_type] == [("Spring mailing", 1, 1)]
    assert [row["name"] for row in by_owner] == ["Spring mailing"]
    assert [row["name"] for row in searched] == ["Autumn calls"]


def test_list_query_count_does_not_grow_with_rows(integrator, django_assert_max_num_queries):
    # given
    def add(count):
        for _ in range(count):
            campaign = CampaignFactory()
            CampaignTargetFactory(campaign=campaign)
            LeadFactory(campaign=campaign)

    add(3)
    api = api_client(integrator)
    with django_assert_max_num_queries(6) as few:
        assert api.get(URL).status_code == 200

    # when
    add(27)
    with django_assert_max_num_queries(6) as many:
        response = api.get(URL)

    # then
    assert len(response.json()["results"]) == 30
    assert len(many) == len(few)


def test_add_targets_by_filters_then_activate(integrator, clerk):
    # given
    PartyFactory(name="Lindqvist AB", country="SE")
    PartyFactory(name="Bergström AB", country="SE")
    PartyFactory(name="Van Dijk BV", country="NL")
    campaign = make_campaign(clerk)
    api = api_client(integrator)

    # when
    added = api.post(
        f"{URL}{campaign.pk}/add-targets/", {"filters": {"roles": ["prospect"], "country": "SE"}}, format="json"
    )
    again = api.post(f"{URL}{campaign.pk}/add-targets/", {"filters": {"country": "SE"}}, format="json")
    activated = api.post(f"{URL}{campaign.pk}/activate/")

    # then
    assert added.status_code == 200, added.content
    assert added.json() == {"added": 2, "skipped": 0, "excluded": 0}
    assert again.json() == {"added": 0, "skipped": 2, "excluded": 0}
    assert activated.status_code == 200
    assert (activated.json()["state"], activated.json()["targets_count"]) == ("active", 2)


def test_add_targets_from_a_segment_or_by_id(integrator, clerk):
    # given
    segment = SegmentFactory(filters={"roles": ["lead"]})
    LeadFactory(company_name="Lead BV")
    party = PartyFactory(name="Chosen BV")
    opportunity = OpportunityFactory(party=PartyFactory(name="Deal BV"))
    campaign = make_campaign(clerk)
    api = api_client(integrator)

    # when
    from_segment = api.post(f"{URL}{campaign.pk}/add-targets/", {"segment": segment.pk}, format="json")
    by_id = api.post(
        f"{URL}{campaign.pk}/add-targets/",
        {"parties": [party.pk], "opportunities": [opportunity.pk]},
        format="json",
    )

    # then
    assert from_segment.json() == {"added": 1, "skipped": 0, "excluded": 0}
    assert by_id.json() == {"added": 2, "skipped": 0, "excluded": 0}
    assert sorted(campaign.targets.values_list("name", "source")) == [
        ("Chosen BV", "prospect"),
        ("Deal BV", "opportunity"),
        ("Lead BV", "lead"),
    ]


def test_add_targets_refusals_come_as_problems(integrator, clerk):
    # given
    party = PartyFactory(name="Anker")
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[party])
    api = api_client(integrator)

    # when
    twice = api.post(f"{URL}{campaign.pk}/add-targets/", {"parties": [party.pk]}, format="json")
    bad_filter = api.post(f"{URL}{campaign.pk}/add-targets/", {"filters": {"role": ["lead"]}}, format="json")
    unknown = api.post(f"{URL}{campaign.pk}/add-targets/", {"parties": [999999]}, format="json")

    # then
    assert problem(twice, 400)["errors"] == [
        {"field": "parties", "message": f"Anker is already a target of campaign {campaign.number}."}
    ]
    assert problem(twice, 400)["code"] == "target-exists"
    assert problem(bad_filter, 400)["errors"] == [{"field": "filters.role", "message": "Unknown filter."}]
    assert problem(unknown, 400)["errors"] == [
        {"field": "parties", "message": 'Invalid pk "999999" - object does not exist.'}
    ]
    assert campaign.targets.count() == 1


def test_activate_without_targets_is_a_conflict(integrator, clerk):
    # given
    campaign = make_campaign(clerk)

    # when
    response = api_client(integrator).post(f"{URL}{campaign.pk}/activate/")

    # then
    body = problem(response, 409)
    assert (body["code"], body["detail"]) == (
        "campaign-not-activatable",
        f"Campaign {campaign.number} has no targets: add targets before activating it.",
    )


def test_complete_and_cancel(integrator, clerk):
    # given
    running = make_campaign(clerk)
    campaign_targets_add(campaign=running, by=clerk, parties=[PartyFactory()])
    campaign_activate(campaign=running, by=clerk)
    planned = make_campaign(clerk)
    api = api_client(integrator)

    # when
    completed = api.post(f"{URL}{running.pk}/complete/")
    no_reason = api.post(f"{URL}{planned.pk}/cancel/", {}, format="json")
    canceled = api.post(f"{URL}{planned.pk}/cancel/", {"reason": "Budget cut"}, format="json")

    # then
    assert completed.json()["state"] == "completed"
    assert problem(no_reason, 400)["errors"] == [{"field": "reason", "message": "This field is required."}]
    assert (canceled.json()["state"], canceled.json()["cancel_reason"]) == ("canceled", "Budget cut")


def test_send_email_queues_it_and_the_stats_follow_the_sending(integrator, clerk):
    # given
    campaign = make_campaign(clerk, CampaignType.EMAIL, email_subject="Offer", email_body="Hello {{ target.name }}")
    campaign_targets_add(campaign=campaign, by=clerk, parties=[PartyFactory(email="a@anker.nl")])
    campaign_activate(campaign=campaign, by=clerk)

    # when
    response = api_client(integrator).post(f"{URL}{campaign.pk}/send-email/")
    queued = api_client(integrator).get(f"{URL}{campaign.pk}/stats/").json()["email"]
    jobs_run_due()
    done = api_client(integrator).get(f"{URL}{campaign.pk}/stats/").json()["email"]

    # then
    assert response.json() == {"queued": 1}
    assert (queued, done) == ({"sent": 0, "failed": 0, "remaining": 1}, {"sent": 1, "failed": 0, "remaining": 0})
    assert [message.to for message in mail.outbox] == [["a@anker.nl"]]


def test_assign_calls(integrator, clerk, manager):
    # given
    campaign = make_campaign(clerk)
    campaign_targets_add(campaign=campaign, by=clerk, parties=[PartyFactory(name="A"), PartyFactory(name="B")])

    # when
    response = api_client(integrator).post(
        f"{URL}{campaign.pk}/assign-calls/", {"users": [manager.pk, clerk.pk]}, format="json"
    )

    # then
    assert response.json() == {"assigned": 2}
    assert dict(campaign.targets.values_list("name", "assigned_to")) == {"A": clerk.pk, "B": manager.pk}


def test_stats(integrator, clerk):
    # given
    campaign = CampaignFactory(budget=D("300"))
    CampaignTargetFactory(campaign=campaign, status=TargetStatus.RESPONDED, response=Response.POSITIVE)
    CampaignTargetFactory(campaign=campaign, status=TargetStatus.CONTACTED)
    CampaignTargetFactory(campaign=campaign, status=TargetStatus.RESPONDED, response=Response.NEGATIVE)

    # when
    response = api_client(integrator).get(f"{URL}{campaign.pk}/stats/")

    # then
    body = response.json()
    assert response.status_code == 200
    assert {key: body[key] for key in ("total", "contacted", "responded", "positive")} == {
        "total": 3,
        "contacted": 3,
        "responded": 2,
        "positive": 1,
    }
    assert (body["response_rate"], body["positive_rate"], body["cost_per_positive"]) == ("66.7", "50.0", "300.00")
    assert body["by_status"][0] == {"value": "pending", "label": "Not contacted", "count": 0}
    assert [figure["key"] for figure in body["revenue"]] == ["orders_confirmed", "ordered_revenue", "invoiced_revenue"]


def test_stats_answer_confirmed_orders_as_a_count_and_revenue_as_money(integrator, clerk):
    # given: two confirmed orders of the campaign, 3 × 400.00 and 1 × 250.00
    campaign = CampaignFactory()
    for price, quantity in (("400", "3"), ("250", "1")):
        order = make_order(lines=[(ItemFactory(unit_price=D(price)), quantity)], by=clerk)
        SalesOrder.objects.filter(pk=order.pk).update(campaign=campaign)
        order_confirm(order=order, by=clerk)

    # when
    response = api_client(integrator).get(f"{URL}{campaign.pk}/stats/")

    # then
    assert response.status_code == 200
    figures = {figure["key"]: (figure["is_count"], figure["amount"]) for figure in response.json()["revenue"]}
    assert figures == {
        "orders_confirmed": (True, 2),
        "ordered_revenue": (False, "1450.00"),
        "invoiced_revenue": (False, "0.00"),
    }


def test_actions_need_the_change_permission(billing, clerk):
    # given
    campaign = make_campaign(clerk)
    CampaignTargetFactory(campaign=campaign)

    # when
    response = api_client(billing).post(f"{URL}{campaign.pk}/activate/")

    # then
    problem(response, 403)
    campaign.refresh_from_db()
    assert campaign.state == "planned"
