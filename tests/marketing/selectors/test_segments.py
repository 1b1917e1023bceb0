import datetime

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from marketing.choices import LeadState, OpportunityState
from marketing.models import OpportunityStage
from marketing.selectors.segments import segment_candidates, segment_filters_clean
from tests.factories.marketing import (
    ActivityFactory,
    ContactFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    TagFactory,
)
from tests.factories.salesapp import make_customer


def found(filters) -> list[tuple[str, str]]:
    return [(candidate.name, candidate.source) for candidate in segment_candidates(filters=filters)]


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def stages(db):
    return list(OpportunityStage.objects.filter(active=True).order_by("sequence"))


# segment_filters_clean


def test_filters_are_stored_in_one_shape(stages):
    # when
    cleaned = segment_filters_clean(
        {
            "roles": ["customer", "opportunity", "customer"],
            "country": " se ",
            "tags": "VIP, office ,VIP",
            "stage": [str(stages[1].pk), stages[0].pk],
            "last_activity_before": datetime.date(2025, 3, 1),
            "last_activity_after": "2024-01-31",
            "has_open_opportunity": "false",
            "city": "",
            "search": None,
        }
    )

    # then: roles in priority order, empty filters left out
    assert cleaned == {
        "roles": ["opportunity", "customer"],
        "country": "SE",
        "tags": ["VIP", "office"],
        "stage": sorted([stages[0].pk, stages[1].pk]),
        "last_activity_before": "2025-03-01",
        "last_activity_after": "2024-01-31",
        "has_open_opportunity": False,
    }


def test_bad_filters_are_named_one_by_one(db):
    # when
    with pytest.raises(ValidationFailed) as refused:
        segment_filters_clean(
            {
                "roles": ["prospect", "vendor"],
                "kind": "robot",
                "country": "Sweden",
                "language": "de",
                "stage": [999999],
                "last_activity_after": "yesterday",
                "has_open_opportunity": "maybe",
                "colour": "blue",
            }
        )

    # then
    assert refused.value.field_errors == {
        "filters.roles": "Unknown role 'vendor'; use prospect, customer, lead or opportunity.",
        "filters.kind": "Unknown kind 'robot'; use organization or person.",
        "filters.country": "Use a two-letter ISO country code, e.g. NL.",
        "filters.language": "Unknown language 'de'.",
        "filters.stage": "There is no opportunity stage with id 999999.",
        "filters.last_activity_after": "'yesterday' is not a date (YYYY-MM-DD).",
        "filters.has_open_opportunity": "Expected true or false.",
        "filters.colour": "Unknown filter.",
    }


def test_dates_the_wrong_way_round_and_stages_without_opportunities_are_refused(stages):
    # when
    with pytest.raises(ValidationFailed) as refused:
        segment_filters_clean(
            {
                "roles": ["prospect"],
                "stage": [stages[0].pk],
                "last_activity_before": "2024-01-01",
                "last_activity_after": "2024-06-01",
            }
        )

    # then
    assert refused.value.field_errors == {
        "filters.last_activity_before": "Nothing can be both before 2024-01-01 and after 2024-06-01: swap the dates.",
        "filters.stage": "Stages select opportunities: add the opportunity role.",
    }


def test_filters_must_be_a_dict(db):
    with pytest.raises(ValidationFailed) as refused:
        segment_filters_clean(["prospect"])
    assert refused.value.field_errors == {"filters": "Filters are a set of named values."}


# segment_candidates: roles


def test_prospects_and_customers_are_told_apart(db):
    # given
    PartyFactory(name="Anker Koffie")
    make_customer(party=PartyFactory(name="Bakker Logistiek"))

    # when / then
    assert found({"roles": ["prospect"]}) == [("Anker Koffie", "prospect")]
    assert found({"roles": ["customer"]}) == [("Bakker Logistiek", "customer")]
    assert found({"roles": ["prospect", "customer"]}) == [
        ("Anker Koffie", "prospect"),
        ("Bakker Logistiek", "customer"),
    ]


def test_only_open_leads_and_opportunities_are_selected(stages):
    # given
    LeadFactory(company_name="New Lead BV", state=LeadState.NEW)
    LeadFactory(company_name="Qualified Lead BV", state=LeadState.QUALIFIED)
    LeadFactory(company_name="Converted Lead BV", state=LeadState.CONVERTED)
    OpportunityFactory(party=PartyFactory(name="Open Deal BV"))
    OpportunityFactory(party=PartyFactory(name="Lost Deal BV"), state=OpportunityState.LOST)

    # when / then
    assert found({"roles": ["lead"]}) == [("New Lead BV", "lead"), ("Qualified Lead BV", "lead")]
    assert found({"roles": ["opportunity"]}) == [("Open Deal BV", "opportunity")]


def test_a_party_is_selected_once_as_the_most_advanced_thing_it_is(db):
    # given: one party that is a customer with an open lead and an open opportunity
    party = PartyFactory(name="Jansen Accountants")
    make_customer(party=party)
    LeadFactory(company_name="Jansen lead", party=party)
    opportunity = OpportunityFactory(party=party, name="New desks")

    # when
    candidates = segment_candidates(filters={})

    # then
    assert [(c.name, c.source, c.opportunity) for c in candidates] == [
        ("Jansen Accountants", "opportunity", opportunity)
    ]


def test_opportunities_by_stage(stages):
    # given
    OpportunityFactory(party=PartyFactory(name="Early BV"), stage=stages[0])
    OpportunityFactory(party=PartyFactory(name="Late BV"), stage=stages[-1])
    PartyFactory(name="Prospect BV")

    # when / then: stages alone mean opportunities only; with other roles they only narrow the opportunities
    assert found({"stage": [stages[-1].pk]}) == [("Late BV", "opportunity")]
    assert found({"roles": ["opportunity", "prospect"], "stage": [stages[0].pk]}) == [
        ("Early BV", "opportunity"),
        ("Late BV", "prospect"),
        ("Prospect BV", "prospect"),
    ]


# segment_candidates: party filters


def test_kind_tags_country_city_language_and_search(db):
    # given
    vip, office = TagFactory(name="VIP"), TagFactory(name="office")
    amsterdam = PartyFactory(name="Amsterdam Org", city="Amsterdam", country="NL", language="nl")
    amsterdam.tags.add(vip, office)
    stockholm = PartyFactory(name="Stockholm Org", city="Stockholm", country="SE", language="sv", email="info@sthlm.se")
    stockholm.tags.add(office)
    PartyFactory(name="Eva Person", kind="person", city="Utrecht", country="NL")

    # when / then
    assert found({"roles": ["prospect"], "kind": "person"}) == [("Eva Person", "prospect")]
    assert found({"roles": ["prospect"], "tags": ["VIP", "office"]}) == [
        ("Amsterdam Org", "prospect"),
        ("Stockholm Org", "prospect"),
    ]
    assert found({"roles": ["prospect"], "tags": ["VIP"]}) == [("Amsterdam Org", "prospect")]
    assert found({"roles": ["prospect"], "country": "se"}) == [("Stockholm Org", "prospect")]
    assert found({"roles": ["prospect"], "city": "utrecht"}) == [("Eva Person", "prospect")]
    assert found({"roles": ["prospect"], "language": "nl"}) == [("Amsterdam Org", "prospect")]
    assert found({"roles": ["prospect"], "search": "sthlm"}) == [("Stockholm Org", "prospect")]


def test_leads_without_a_party_are_filtered_on_their_own_data(db):
    # given
    LeadFactory(company_name="", contact_name="Piet Person", city="Delft", country="NL")
    LeadFactory(company_name="Delft Org", contact_name="Anna", city="Delft", country="NL")
    LeadFactory(company_name="Oslo Org", contact_name="Ola", city="Oslo", country="NO")

    # when / then
    assert found({"roles": ["lead"], "kind": "person"}) == [("Piet Person", "lead")]
    assert found({"roles": ["lead"], "kind": "organization", "city": "DELFT"}) == [("Delft Org", "lead")]
    assert found({"roles": ["lead"], "country": "NO"}) == [("Oslo Org", "lead")]
    assert found({"roles": ["lead"], "search": "ola"}) == [("Oslo Org", "lead")]
    # a lead without a party has no tags, language or deals
    assert found({"roles": ["lead"], "language": "en"}) == []
    assert found({"roles": ["lead"], "has_open_opportunity": True}) == []
    assert len(found({"roles": ["lead"], "has_open_opportunity": False})) == 3


def test_last_activity_before_and_after(clerk):
    # given
    recent = PartyFactory(name="Recent BV")
    ActivityFactory(owner=clerk, party=recent, due_at=at(2025, 5, 1))
    old = PartyFactory(name="Old BV")
    ActivityFactory(owner=clerk, party=old, due_at=at(2024, 2, 1), done=True, done_at=at(2024, 2, 1))
    PartyFactory(name="Never BV")

    # when / then: "before" includes those never in touch
    assert found({"roles": ["prospect"], "last_activity_before": "2025-01-01"}) == [
        ("Never BV", "prospect"),
        ("Old BV", "prospect"),
    ]
    assert found({"roles": ["prospect"], "last_activity_after": "2025-01-01"}) == [("Recent BV", "prospect")]
    assert found(
        {"roles": ["prospect"], "last_activity_after": "2024-01-01", "last_activity_before": "2025-01-01"}
    ) == [("Old BV", "prospect")]


def test_no_activity_for_days_counts_back_from_today(clerk):
    # given: in touch 10 and 100 days ago, and never
    now = timezone.now()
    ActivityFactory(owner=clerk, party=PartyFactory(name="Ten days BV"), due_at=now - datetime.timedelta(days=10))
    ActivityFactory(owner=clerk, party=PartyFactory(name="Hundred days BV"), due_at=now - datetime.timedelta(days=100))
    PartyFactory(name="Never BV")

    # when / then
    assert found({"roles": ["prospect"], "no_activity_days": 90}) == [
        ("Hundred days BV", "prospect"),
        ("Never BV", "prospect"),
    ]
    assert found({"roles": ["prospect"], "no_activity_days": 5}) == [
        ("Hundred days BV", "prospect"),
        ("Never BV", "prospect"),
        ("Ten days BV", "prospect"),
    ]


@pytest.mark.parametrize("days", [0, -3, "soon", 4000])
def test_no_activity_for_days_needs_a_sensible_number(db, days):
    # when
    with pytest.raises(ValidationFailed) as refused:
        segment_filters_clean({"no_activity_days": days})

    # then
    assert refused.value.field_errors == {"filters.no_activity_days": "Give a number of days from 1 to 3650."}


def test_a_leads_last_activity_counts_its_own_and_its_partys(clerk):
    # given
    own = LeadFactory(company_name="Own activity BV")
    ActivityFactory(owner=clerk, party=None, lead=own, due_at=at(2025, 4, 1))
    party = PartyFactory(name="Party activity BV")
    LeadFactory(company_name="Lead on party", party=party)
    ActivityFactory(owner=clerk, party=party, due_at=at(2025, 4, 2))
    LeadFactory(company_name="Quiet BV")

    # when / then
    assert found({"roles": ["lead"], "last_activity_after": "2025-03-01"}) == [
        ("Own activity BV", "lead"),
        ("Party activity BV", "lead"),
    ]


def test_has_open_opportunity(db):
    # given
    with_deal = PartyFactory(name="Deal BV")
    OpportunityFactory(party=with_deal)
    closed = PartyFactory(name="Closed BV")
    OpportunityFactory(party=closed, state=OpportunityState.WON)
    PartyFactory(name="Nothing BV")

    # when / then
    assert found({"roles": ["prospect"], "has_open_opportunity": True}) == [("Deal BV", "prospect")]
    assert found({"roles": ["prospect"], "has_open_opportunity": False}) == [
        ("Closed BV", "prospect"),
        ("Nothing BV", "prospect"),
    ]


# segment_candidates: contact data


def test_a_party_is_reached_through_its_primary_contact(db):
    # given
    party = PartyFactory(
        name="Visser Uitzendbureau",
        email="zwolle@visser.nl",
        phone="+31 38 421 0505",
        street="Grote Markt 9",
        postcode="8011 LW",
        city="Zwolle",
        language="nl",
    )
    ContactFactory(party=party, name="Other Person", email="other@visser.nl")
    ContactFactory(party=party, name="Marieke Visser", email="marieke@visser.nl", phone="", is_primary=True)

    # when
    [candidate] = segment_candidates(filters={"roles": ["prospect"]})

    # then
    assert (
        candidate.name,
        candidate.contact_name,
        candidate.email,
        candidate.phone,
        candidate.street,
        candidate.postcode,
        candidate.city,
        candidate.country,
        candidate.language,
    ) == (
        "Visser Uitzendbureau",
        "Marieke Visser",
        "marieke@visser.nl",
        "+31 38 421 0505",
        "Grote Markt 9",
        "8011 LW",
        "Zwolle",
        "NL",
        "nl",
    )


def test_a_lead_without_a_party_is_reached_with_its_own_data(db):
    # given
    lead = LeadFactory(
        company_name="Berg Interiör AB",
        contact_name="Erik Berg",
        email="erik@berg.se",
        phone="+46 8 123",
        postcode="111 35",
        city="Stockholm",
        country="SE",
    )

    # when
    [candidate] = segment_candidates(filters={"roles": ["lead"]})

    # then
    assert (candidate.party, candidate.lead, candidate.name, candidate.contact_name, candidate.email) == (
        None,
        lead,
        "Berg Interiör AB",
        "Erik Berg",
        "erik@berg.se",
    )
    assert (candidate.phone, candidate.postcode, candidate.city, candidate.country, candidate.language) == (
        "+46 8 123",
        "111 35",
        "Stockholm",
        "SE",
        "",
    )


def test_candidates_cost_the_same_queries_for_3_or_30(clerk, django_assert_max_num_queries):
    # given
    def add(count: int) -> None:
        for index in range(count):
            party = PartyFactory(name=f"Party {index}")
            ContactFactory(party=party, is_primary=True)
            ActivityFactory(owner=clerk, party=party)
            LeadFactory(company_name=f"Lead {index}")
            OpportunityFactory(party=PartyFactory(name=f"Deal party {index}"))
            make_customer(party=PartyFactory(name=f"Customer {index}"))

    add(3)
    filters = {"last_activity_before": "2030-01-01", "tags": [], "country": "NL"}
    with django_assert_max_num_queries(8) as few:
        assert len(segment_candidates(filters=filters)) == 12

    # when
    add(27)
    with django_assert_max_num_queries(8) as many:
        selected = segment_candidates(filters=filters)

    # then
    assert len(selected) == 120
    assert len(many) == len(few)
