import datetime
from decimal import Decimal

import pytest

from marketing.choices import OpportunityState
from marketing.models import OpportunityStage
from marketing.selectors.opportunities import opportunity_list, pipeline_get, stage_list
from tests.factories.marketing import CampaignFactory, OpportunityFactory, PartyFactory
from tests.factories.users import user_with_role

pytestmark = pytest.mark.django_db

D = Decimal


def stage(name: str) -> OpportunityStage:
    return OpportunityStage.objects.get(name=name)


def test_pipeline_has_one_column_per_active_stage_with_exact_totals():
    # given: two open opportunities in Proposal (50 %), one in Negotiation at a hand-set probability,
    # and ones that are closed or in a retired stage, which the pipeline leaves out
    proposal, negotiation = stage("Proposal"), stage("Negotiation")
    OpportunityFactory(stage=proposal, expected_revenue=D("1000.01"), probability=D("50"))
    OpportunityFactory(stage=proposal, expected_revenue=D("333.33"), probability=D("33.33"))
    OpportunityFactory(stage=negotiation, expected_revenue=D("2500.00"), probability=D("75"))
    OpportunityFactory(stage=negotiation, expected_revenue=D("9999"), state=OpportunityState.WON)
    retired = OpportunityStage.objects.create(name="On hold", sequence=99, probability=D("5"), active=False)
    OpportunityFactory(stage=retired, expected_revenue=D("700"))

    # when
    pipeline = pipeline_get()

    # then
    assert [column.stage.name for column in pipeline.columns] == [
        "Prospecting",
        "Qualification",
        "Proposal",
        "Negotiation",
    ]
    totals = [(c.count, c.revenue, c.weighted_revenue) for c in pipeline.columns]
    # 1000.01 × 50 % = 500.005 → 500.01; 333.33 × 33.33 % = 111.099… → 111.10; 2500 × 75 % = 1875.00
    assert totals == [
        (0, D("0"), D("0")),
        (0, D("0"), D("0")),
        (2, D("1333.34"), D("611.11")),
        (1, D("2500.00"), D("1875.00")),
    ]
    assert (pipeline.count, pipeline.revenue, pipeline.weighted_revenue) == (3, D("3833.34"), D("2486.11"))
    proposal_column = pipeline.columns[2]
    assert sum((card.weighted_revenue for card in proposal_column.cards), D("0")) == D("611.11")
    assert (proposal_column.previous_stage.name, proposal_column.next_stage.name) == ("Qualification", "Negotiation")
    assert (pipeline.columns[0].previous_stage, pipeline.columns[3].next_stage) == (None, None)


def test_pipeline_cards_are_ordered_by_close_date_and_capped_per_stage():
    # given
    proposal = stage("Proposal")
    late = OpportunityFactory(stage=proposal, expected_close_date=datetime.date(2026, 3, 1))
    undated = OpportunityFactory(stage=proposal, expected_close_date=None)
    soon = OpportunityFactory(stage=proposal, expected_close_date=datetime.date(2025, 12, 1))

    # when
    full = pipeline_get().columns[2]
    capped = pipeline_get(cards_per_stage=2).columns[2]

    # then
    assert full.cards == [soon, late, undated]
    assert (capped.cards, capped.count, capped.hidden_count) == ([soon, late], 3, 1)


def test_pipeline_filters_on_owner_and_campaign():
    owner = user_with_role("sales clerk")
    campaign = CampaignFactory()
    mine = OpportunityFactory(owner=owner, campaign=campaign, expected_revenue=D("100"))
    OpportunityFactory(owner=owner, expected_revenue=D("200"))
    OpportunityFactory(campaign=campaign, expected_revenue=D("400"))
    assert pipeline_get(owner_id=owner.pk).revenue == D("300.00")
    assert pipeline_get(campaign_id=campaign.pk).revenue == D("500.00")
    assert pipeline_get(owner_id=owner.pk, campaign_id=campaign.pk).columns[0].cards == [mine]


def test_pipeline_takes_three_queries_whatever_its_size(django_assert_num_queries):
    for index in range(3):
        OpportunityFactory(stage=stage("Proposal" if index % 2 else "Negotiation"))
    with django_assert_num_queries(3):
        few = pipeline_get()
        [card.party.name for column in few.columns for card in column.cards]
    for index in range(27):
        OpportunityFactory(stage=stage(["Prospecting", "Qualification", "Proposal"][index % 3]))
    with django_assert_num_queries(3):
        many = pipeline_get()
        [(card.party.name, card.owner) for column in many.columns for card in column.cards]
    assert many.count == 30


def test_opportunity_list_filters():
    # given
    owner = user_with_role("sales clerk")
    party = PartyFactory(name="Holm Inredning AB")
    campaign = CampaignFactory()
    match = OpportunityFactory(
        name="Canteen furniture",
        party=party,
        owner=owner,
        campaign=campaign,
        stage=stage("Proposal"),
        expected_close_date=datetime.date(2025, 10, 15),
    )
    OpportunityFactory(name="Canteen chairs", expected_close_date=datetime.date(2025, 12, 1))
    OpportunityFactory(name="Lost deal", state=OpportunityState.LOST)

    # then
    assert list(opportunity_list(search="canteen furn")) == [match]
    assert list(opportunity_list(search="holm")) == [match]
    assert list(opportunity_list(search=match.number)) == [match]
    assert opportunity_list(state="lost").get().name == "Lost deal"
    assert list(opportunity_list(stage_id=stage("Proposal").pk)) == [match]
    assert list(opportunity_list(owner_id=owner.pk)) == [match]
    assert list(opportunity_list(campaign_id=campaign.pk)) == [match]
    assert list(opportunity_list(party_id=party.pk)) == [match]
    closing = opportunity_list(close_from=datetime.date(2025, 10, 1), close_to=datetime.date(2025, 10, 31))
    assert list(closing) == [match]


def test_stage_list_is_ordered_by_sequence():
    OpportunityStage.objects.create(name="Discovery", sequence=15, probability=D("15"))
    OpportunityStage.objects.filter(name="Negotiation").update(active=False)
    assert [s.name for s in stage_list(active=True)] == ["Prospecting", "Discovery", "Qualification", "Proposal"]
    assert [s.name for s in stage_list(active=False)] == ["Negotiation"]


def test_pipeline_figures_without_cards_take_two_queries(django_assert_num_queries):
    # given
    OpportunityFactory(stage=stage("Proposal"), expected_revenue=D("1000.00"), probability=D("40"))

    # when
    with django_assert_num_queries(2):
        figures = pipeline_get(with_cards=False)

    # then: the same figures as with the cards, and no cards
    full = pipeline_get()
    assert [(c.stage, c.count, c.revenue, c.weighted_revenue) for c in figures.columns] == [
        (c.stage, c.count, c.revenue, c.weighted_revenue) for c in full.columns
    ]
    assert figures.count == 1
    assert all(column.cards == [] for column in figures.columns)
