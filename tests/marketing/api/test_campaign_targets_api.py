from marketing.choices import Response, TargetStatus
from marketing.models import Activity, Opportunity
from marketing.services.campaign_targets import campaign_targets_add
from marketing.services.campaigns import campaign_activate, campaign_create
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import CampaignFactory, CampaignTargetFactory, PartyFactory

URL = "/api/v1/campaign-targets/"


def active_target(by):
    party = PartyFactory(name="Anker Koffie")
    campaign = campaign_create(by=by, name="Autumn chairs", campaign_type="telemarketing")
    campaign_targets_add(campaign=campaign, by=by, parties=[party])
    campaign_activate(campaign=campaign, by=by)
    return campaign.targets.get()


def test_list_filters_and_searches(integrator, clerk):
    # given
    campaign = CampaignFactory()
    CampaignTargetFactory(campaign=campaign, name="Anker", email="info@anker.nl", assigned_to=clerk)
    CampaignTargetFactory(campaign=campaign, name="Bakker", status=TargetStatus.RESPONDED, response=Response.POSITIVE)
    CampaignTargetFactory(name="Elsewhere")
    api = api_client(integrator)

    def names(**params) -> list[str]:
        return sorted(row["name"] for row in api.get(URL, {"campaign": campaign.pk, **params}).json()["results"])

    # when / then
    assert names() == ["Anker", "Bakker"]
    assert names(status="responded") == ["Bakker"]
    assert names(response="positive") == ["Bakker"]
    assert names(assigned_to=clerk.pk) == ["Anker"]
    assert names(search="anker.nl") == ["Anker"]


def test_list_query_count_does_not_grow_with_rows(integrator, clerk, django_assert_max_num_queries):
    # given
    campaign = CampaignFactory()

    def add(count):
        for _ in range(count):
            CampaignTargetFactory(campaign=campaign, assigned_to=clerk)

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


def test_respond_positive_starts_an_opportunity(integrator, clerk):
    # given
    target = active_target(clerk)

    # when
    response = api_client(integrator).post(
        f"{URL}{target.pk}/respond/",
        {"response": "positive", "note": "Needs 40 chairs", "start": "opportunity", "expected_revenue": "8000.00"},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    opportunity = Opportunity.objects.get()
    assert (body["status"], body["response"], body["response_note"], body["created_opportunity"]) == (
        "responded",
        "positive",
        "Needs 40 chairs",
        opportunity.pk,
    )
    assert (str(opportunity.expected_revenue), opportunity.campaign_id) == ("8000.00", target.campaign_id)


def test_a_refused_response_is_a_problem_and_changes_nothing(integrator, clerk):
    # given
    target = active_target(clerk)

    # when
    response = api_client(integrator).post(
        f"{URL}{target.pk}/respond/", {"response": "no_answer", "start": "lead"}, format="json"
    )

    # then
    assert problem(response, 400)["errors"] == [
        {"field": "start", "message": "Only a positive response starts the sales process."}
    ]
    target.refresh_from_db()
    assert (target.status, target.response) == ("pending", "")


def test_log_call(integrator, clerk):
    # given
    target = active_target(clerk)

    # when
    response = api_client(integrator).post(
        f"{URL}{target.pk}/log-call/",
        {"outcome": "reached", "note": "Nice chat", "response": "negative"},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["response"]) == ("responded", "negative")
    call = Activity.objects.get()
    assert (call.outcome, call.notes, call.owner, call.campaign_target_id) == (
        "reached",
        "Nice chat",
        integrator,
        target.pk,
    )


def test_log_call_on_a_planned_campaign_is_a_conflict(integrator, clerk):
    # given
    target = CampaignTargetFactory()

    # when
    response = api_client(integrator).post(f"{URL}{target.pk}/log-call/", {"outcome": "reached"}, format="json")

    # then
    assert problem(response, 409)["detail"] == (
        f"Campaign {target.campaign.number} is Planned: calls are logged while it is active."
    )
