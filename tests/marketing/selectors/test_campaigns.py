import datetime
from decimal import Decimal

from marketing.choices import CampaignState, CampaignType, Response, TargetStatus
from marketing.selectors.campaigns import (
    call_list,
    campaign_list,
    campaign_stats,
    percentage,
    target_calls,
    target_list,
)
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
)
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


def targets(campaign, *rows) -> None:
    """``rows`` of (status, response)."""
    for index, (status, response) in enumerate(rows):
        CampaignTargetFactory(campaign=campaign, name=f"Target {index:02d}", status=status, response=response)


def test_percentage_rounds_half_up_to_one_decimal():
    assert percentage(1, 3) == D("33.3")
    assert percentage(2, 3) == D("66.7")
    assert percentage(1, 8) == D("12.5")
    assert percentage(0, 0) is None


def test_campaign_stats_count_rates_attribution_and_cost(clerk):
    # given: 6 targets: 1 pending, 1 excluded, 1 contacted, 3 responded (2 positive, 1 negative)
    campaign = CampaignFactory(budget=D("1000.00"))
    targets(
        campaign,
        (TargetStatus.PENDING, ""),
        (TargetStatus.EXCLUDED, ""),
        (TargetStatus.CONTACTED, ""),
        (TargetStatus.RESPONDED, Response.POSITIVE),
        (TargetStatus.RESPONDED, Response.POSITIVE),
        (TargetStatus.RESPONDED, Response.NEGATIVE),
    )
    LeadFactory(campaign=campaign, number="LD-T00001")
    OpportunityFactory(campaign=campaign, expected_revenue=D("2500.00"))
    OpportunityFactory(campaign=campaign, expected_revenue=D("1500.00"))
    # an order attributed to the campaign, confirmed
    order = make_order(lines=[(ItemFactory(unit_price=D("400")), "3")], by=clerk)
    SalesOrder.objects.filter(pk=order.pk).update(campaign=campaign)
    order_confirm(order=order, by=clerk)

    # when
    stats = campaign_stats(campaign=campaign)

    # then
    assert (stats.total, stats.contacted, stats.responded, stats.positive) == (6, 4, 3, 2)
    assert stats.by_status == [
        ("pending", "Not contacted", 1),
        ("contacted", "Contacted", 1),
        ("responded", "Responded", 3),
        ("excluded", "Excluded", 1),
    ]
    assert stats.by_response == [
        ("positive", "Positive", 2),
        ("negative", "Negative", 1),
        ("no_answer", "No answer", 0),
        ("unsubscribed", "Unsubscribed", 0),
    ]
    assert (stats.response_rate, stats.positive_rate) == (D("75.0"), D("66.7"))
    assert (stats.leads_count, [lead.number for lead in stats.leads]) == (1, ["LD-T00001"])
    assert (stats.opportunities_count, stats.opportunities_revenue) == (2, D("4000.00"))
    assert (stats.budget, stats.cost_per_positive) == (D("1000.00"), D("500.00"))
    assert [(figure.key, figure.is_count, figure.amount) for figure in stats.revenue] == [
        ("orders_confirmed", True, 1),
        ("ordered_revenue", False, D("1200.00")),
        ("invoiced_revenue", False, D("0")),
    ]
    assert type(stats.revenue[0].amount) is int


def test_campaign_stats_without_responses_have_no_rates(db):
    # given
    campaign = CampaignFactory(budget=D("0"))
    targets(campaign, (TargetStatus.PENDING, ""))

    # when
    stats = campaign_stats(campaign=campaign)

    # then
    assert (stats.response_rate, stats.positive_rate, stats.cost_per_positive) == (None, None, None)


def test_campaign_stats_cost_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    # given
    campaign = CampaignFactory()
    targets(campaign, *[(TargetStatus.RESPONDED, Response.POSITIVE)] * 3)
    with django_assert_max_num_queries(8) as few:
        campaign_stats(campaign=campaign)

    # when
    targets(campaign, *[(TargetStatus.CONTACTED, "")] * 30)
    for _ in range(15):
        LeadFactory(campaign=campaign)
        OpportunityFactory(campaign=campaign)
    with django_assert_max_num_queries(8) as many:
        stats = campaign_stats(campaign=campaign)

    # then
    assert (stats.total, stats.leads_count, len(stats.leads)) == (33, 15, 10)
    assert len(many) == len(few)


def test_campaign_list_counts_per_campaign_without_mixing_them(db):
    # given
    first = CampaignFactory(name="First")
    targets(
        first, (TargetStatus.RESPONDED, Response.POSITIVE), (TargetStatus.CONTACTED, ""), (TargetStatus.PENDING, "")
    )
    LeadFactory(campaign=first)
    LeadFactory(campaign=first)
    OpportunityFactory(campaign=first)
    CampaignFactory(name="Second")

    # when
    rows = {
        c.name: (
            c.targets_count,
            c.contacted_count,
            c.responded_count,
            c.positive_count,
            c.leads_count,
            c.opportunities_count,
        )
        for c in campaign_list()
    }

    # then
    assert rows == {"First": (3, 2, 1, 1, 2, 1), "Second": (0, 0, 0, 0, 0, 0)}


def test_campaign_list_filters(clerk, manager):
    # given
    CampaignFactory(
        name="Spring mailing",
        campaign_type=CampaignType.MAILING,
        owner=clerk,
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 4, 30),
    )
    CampaignFactory(
        name="Autumn calls",
        campaign_type=CampaignType.TELEMARKETING,
        owner=manager,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2025, 10, 31),
        state=CampaignState.ACTIVE,
        description="office chairs",
    )

    def names(**filters) -> list[str]:
        return [campaign.name for campaign in campaign_list(**filters)]

    # when / then
    assert names(search="chairs") == ["Autumn calls"]
    assert names(state="active") == ["Autumn calls"]
    assert names(campaign_type="mailing") == ["Spring mailing"]
    assert names(owner_id=clerk.pk) == ["Spring mailing"]
    assert names(date_from=datetime.date(2025, 4, 15), date_to=datetime.date(2025, 5, 1)) == ["Spring mailing"]
    assert names(date_from=datetime.date(2025, 10, 1)) == ["Autumn calls"]


def test_target_list_filters_and_searches(clerk):
    # given
    campaign = CampaignFactory()
    CampaignTargetFactory(campaign=campaign, name="Anker Koffie", email="info@anker.nl", assigned_to=clerk)
    CampaignTargetFactory(
        campaign=campaign,
        name="Bakker",
        contact_name="Joost",
        status=TargetStatus.RESPONDED,
        response=Response.NEGATIVE,
        source="customer",
    )
    CampaignTargetFactory(name="Elsewhere")

    def names(**filters) -> list[str]:
        return [target.name for target in target_list(campaign=campaign, **filters)]

    # when / then
    assert names() == ["Anker Koffie", "Bakker"]
    assert names(search="anker.nl") == ["Anker Koffie"]
    assert names(search="joost") == ["Bakker"]
    assert names(status="responded") == ["Bakker"]
    assert names(response="negative") == ["Bakker"]
    assert names(assigned_to_id=clerk.pk) == ["Anker Koffie"]
    assert names(source="customer") == ["Bakker"]


def test_call_list_puts_who_is_still_to_call_first(clerk):
    # given
    campaign = CampaignFactory()
    called = CampaignTargetFactory(campaign=campaign, name="Alpha", assigned_to=clerk, status=TargetStatus.CONTACTED)
    ActivityFactory(owner=clerk, party=called.party, campaign_target=called)
    ActivityFactory(owner=clerk, party=called.party, campaign_target=called)
    CampaignTargetFactory(campaign=campaign, name="Bravo", assigned_to=clerk)
    CampaignTargetFactory(campaign=campaign, name="Charlie", assigned_to=clerk, status=TargetStatus.EXCLUDED)
    CampaignTargetFactory(campaign=campaign, name="Delta")

    # when
    mine = [(t.name, t.calls_count) for t in call_list(campaign=campaign, assigned_to_id=clerk.pk)]
    nobodys = [t.name for t in call_list(campaign=campaign, assigned_to_id=None)]

    # then
    assert mine == [("Bravo", 0), ("Alpha", 2)]
    assert nobodys == ["Delta"]


def test_target_calls_newest_first(clerk):
    # given
    target = CampaignTargetFactory()
    now = datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC)
    older = ActivityFactory(owner=clerk, party=target.party, campaign_target=target, due_at=now)
    newer = ActivityFactory(
        owner=clerk,
        party=target.party,
        campaign_target=target,
        due_at=None,
        done=True,
        done_at=now + datetime.timedelta(days=1),
    )
    ActivityFactory(owner=clerk, party=PartyFactory())

    # when / then
    assert target_calls(target=target) == [newer, older]
