"""The start page shows the pipeline by stage next to the sales and invoicing figures."""

from decimal import Decimal

from django.urls import reverse

from marketing.choices import CampaignState
from marketing.models import OpportunityStage
from tests.factories.marketing import CampaignFactory, LeadFactory, OpportunityFactory


def test_dashboard_draws_the_pipeline_by_stage(client, clerk):
    # given: 20,000 in Prospecting (10 %) and 10,000 in Proposal (50 %), 2 open leads, 1 active campaign
    prospecting, proposal = (
        OpportunityStage.objects.get(name="Prospecting"),
        OpportunityStage.objects.get(name="Proposal"),
    )
    for _ in range(2):
        OpportunityFactory(stage=prospecting, expected_revenue=Decimal("10000.00"), probability=Decimal("10"))
    OpportunityFactory(stage=proposal, expected_revenue=Decimal("10000.00"), probability=Decimal("50"))
    LeadFactory.create_batch(2)
    CampaignFactory(state=CampaignState.ACTIVE)
    client.force_login(clerk)

    # when
    response = client.get(reverse("home"))

    # then: bars relative to the widest weighted revenue (Proposal's 5,000.00)
    html = response.content.decode()
    pipeline = response.context["pipeline"]
    assert [(c.stage.name, c.count, c.weighted_revenue) for c in pipeline.columns] == [
        ("Prospecting", 2, Decimal("2000.00")),
        ("Qualification", 0, Decimal("0")),
        ("Proposal", 1, Decimal("5000.00")),
        ("Negotiation", 0, Decimal("0")),
    ]
    assert [width for _column, width in response.context["pipeline_bars"]] == [40, 0, 100, 0]
    assert "2 open leads · 1 active campaigns" in html
    assert "7,000.00" in html


def test_dashboard_leaves_the_pipeline_out_for_users_without_marketing_rights(client, django_user_model):
    # given: a user in no role
    client.force_login(django_user_model.objects.create_user(username="visitor", password="pw-123456"))

    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 200
    assert "pipeline" not in response.context
    assert "Pipeline" not in response.content.decode().split("<main>", 1)[1]
