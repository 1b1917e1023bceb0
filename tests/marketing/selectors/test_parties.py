import datetime
from decimal import Decimal

from django.utils import timezone

from invoicing.models import Invoice, Payment
from invoicing.services.invoices import invoice_create_from_order
from invoicing.services.payments import payment_register
from marketing.models import Activity, CampaignTarget, Lead, Opportunity, Party
from marketing.selectors.parties import (
    party_duplicates,
    party_list,
    party_merge_keeper,
    party_merge_preview,
    party_timeline,
)
from marketing.services.parties import contact_create
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    TagFactory,
)
from tests.factories.salesapp import make_customer, make_order

T0 = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)


def at(hours: int) -> datetime.datetime:
    return T0 + datetime.timedelta(hours=hours)


# Duplicates


def test_party_duplicates_by_email_ignoring_case(db):
    # given
    acme = PartyFactory(name="Acme", email="Sales@Acme.example", postcode="1011 AB")
    PartyFactory(name="Other", email="info@other.example", postcode="1011 AB")

    # when / then
    assert list(party_duplicates(email=" sales@ACME.example ")) == [acme]


def test_party_duplicates_by_name_and_postcode_ignoring_case_and_spaces(db):
    # given
    acme = PartyFactory(name="Acme  B.V.", email="a@acme.example", postcode="1011 AB")
    PartyFactory(name="Acme B.V.", email="b@acme.example", postcode="3011 AA")

    # when / then: a name like it where the postcodes do not differ; no postcode given is no contradiction
    assert list(party_duplicates(name="acme b.v.", postcode="1011ab")) == [acme]
    assert [party.postcode for party in party_duplicates(name="ACME B.V.", postcode="")] == ["1011 AB", "3011 AA"]
    assert list(party_duplicates(name="", postcode="1011 AB")) == []
    assert list(party_duplicates(name="Acme Tools", postcode="1011 AB")) == []


def test_party_duplicates_either_way_excluding_the_party_itself(db):
    # given
    by_email = PartyFactory(name="Zeta", email="z@zeta.example", postcode="9999 ZZ")
    by_name = PartyFactory(name="Acme", email="a@acme.example", postcode="1011 AB")

    # when
    found = party_duplicates(name="Acme", email="z@zeta.example", postcode="1011 AB", exclude_pk=by_name.pk)

    # then
    assert list(party_duplicates(name="Acme", email="z@zeta.example", postcode="1011 AB")) == [by_name, by_email]
    assert list(found) == [by_email]
    assert list(party_duplicates()) == []


# Stage and list


def test_stage_is_customer_then_opportunity_then_lead_then_prospect(db):
    # given
    prospect = PartyFactory(name="A prospect")
    old_lead = PartyFactory(name="B disqualified lead only")
    LeadFactory(party=old_lead, state="disqualified")
    lead = PartyFactory(name="C lead")
    LeadFactory(party=lead, state="qualified")
    opportunity = PartyFactory(name="D opportunity")
    LeadFactory(party=opportunity)
    OpportunityFactory(party=opportunity)
    won = PartyFactory(name="E won only")
    OpportunityFactory(party=won, state="won")
    customer = make_customer(party=PartyFactory(name="F customer"))
    OpportunityFactory(party=customer.party)

    # when
    stages = {party.name: party.stage for party in party_list()}

    # then
    assert stages == {
        prospect.name: "prospect",
        old_lead.name: "prospect",
        lead.name: "lead",
        opportunity.name: "opportunity",
        won.name: "prospect",
        customer.party.name: "customer",
    }
    assert [party.name for party in party_list(stage="lead")] == ["C lead"]
    assert [party.name for party in party_list(stage="prospect")] == [
        "A prospect",
        "B disqualified lead only",
        "E won only",
    ]


def test_party_list_searches_contact_names_and_filters_tag_city_and_language(clerk):
    # given
    acme = PartyFactory(name="Acme", city="Delft", language="nl")
    contact_create(party=acme, by=clerk, name="Johanna Visser")
    contact_create(party=acme, by=clerk, name="Johan Visser")
    beta = PartyFactory(name="Beta", city="Malmö", language="sv")
    beta.tags.add(TagFactory(name="VIP"))
    PartyFactory(name="Gamma", city="delft", language="en")

    # when / then: two matching contacts still give one row
    assert [p.name for p in party_list(search="visser")] == ["Acme"]
    assert [p.name for p in party_list(tag="vip")] == ["Beta"]
    assert [p.name for p in party_list(city="DELFT")] == ["Acme", "Gamma"]
    assert [p.name for p in party_list(language="sv")] == ["Beta"]
    assert [p.name for p in party_list(city="delft", language="en")] == ["Gamma"]


def test_party_list_reads_stage_account_and_tags_in_two_queries(db, django_assert_num_queries):
    # given
    for index in range(5):
        party = make_customer().party if index % 2 else PartyFactory()
        LeadFactory(party=party)
        party.tags.add(TagFactory(name=f"tag {index}"))

    # when / then: the parties with stage and account, then their tags
    with django_assert_num_queries(2):
        rows = [(party.stage, bool(getattr(party, "customer", None)), len(party.tags.all())) for party in party_list()]
    assert sorted(rows) == [("customer", True, 1)] * 2 + [("lead", False, 1)] * 3


# Timeline


def timeline_of_everything(party, clerk, billing, count: int):
    """``count`` rows from every source of the timeline, all about ``party``."""
    customer = make_customer(party=party)
    campaign = None
    for index in range(count):
        ActivityFactory(party=party, owner=clerk, subject=f"Call {index}")
        campaign = CampaignFactory()
        CampaignTargetFactory(
            campaign=campaign, party=party, response="positive", response_date=datetime.date(2025, 2, 1)
        )
        LeadFactory(party=party)
        OpportunityFactory(party=party)
        order = order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)
        invoice_create_from_order(order=order, basis="order", by=clerk)
        payment_register(customer=customer, amount=Decimal("10.00"), by=billing)


def test_timeline_query_count_does_not_grow_with_history(clerk, billing, django_assert_max_num_queries):
    # given
    small, large = PartyFactory(), PartyFactory()
    timeline_of_everything(small, clerk, billing, 3)
    timeline_of_everything(large, clerk, billing, 30)

    # when: one query per source (quotations and sales agreements are among them)
    with django_assert_max_num_queries(10) as few:
        quiet = party_timeline(party=small, per_page=30)
    with django_assert_max_num_queries(10) as many:
        busy = party_timeline(party=large, page=2, per_page=30)

    # then: one query per source; 3 × 8 entries and the party's own fit on one page, 30 × 8 + 1 do not
    assert len(many) == len(few)
    assert (len(quiet.entries), quiet.has_next) == (25, False)
    assert (len(busy.entries), busy.page, busy.has_next) == (30, 2, True)


def test_timeline_merges_every_source_newest_first_and_pages(clerk, billing):
    # given: one row of each source, at known moments
    party = PartyFactory(name="Acme")
    customer = make_customer(party=party)
    activity = ActivityFactory(party=party, owner=clerk, subject="Intro call")
    target = CampaignTargetFactory(
        party=party, campaign=CampaignFactory(name="Spring mailing"), response="positive", response_date=T0.date()
    )
    lead = LeadFactory(party=party, company_name="Acme", contact_name="")
    opportunity = OpportunityFactory(party=party, name="Desks")
    order = order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)
    payment = payment_register(customer=customer, amount=Decimal("5.00"), by=billing)
    party.__class__.objects.filter(pk=party.pk).update(created_at=at(-24))
    party.refresh_from_db()
    Activity.objects.filter(pk=activity.pk).update(created_at=at(8))
    CampaignTarget.objects.filter(pk=target.pk).update(created_at=at(-12))
    Lead.objects.filter(pk=lead.pk).update(created_at=at(1))
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=at(2))
    SalesOrder.objects.filter(pk=order.pk).update(created_at=at(3))
    Invoice.objects.filter(pk=invoice.pk).update(created_at=at(4))
    Payment.objects.filter(pk=payment.pk).update(created_at=at(5))

    # when
    everything = party_timeline(party=party, per_page=20)
    first = party_timeline(party=party, page=1, per_page=3)
    second = party_timeline(party=party, page=2, per_page=3)
    last = party_timeline(party=party, page=3, per_page=3)

    # then
    assert [(entry.kind, entry.title) for entry in everything.entries] == [
        ("activity", "Intro call"),
        ("payment", payment.number),
        ("invoice", str(invoice)),
        ("order", order.number),
        ("opportunity", f"{opportunity.number} Desks"),
        ("lead", f"{lead.number} Acme"),
        ("campaign_response", str(target.campaign)),
        ("campaign_target", str(target.campaign)),
        ("party", "Acme recorded"),
    ]
    assert everything.entries[0].at == at(8)
    assert everything.entries[6].at == timezone.make_aware(datetime.datetime(2025, 3, 1))
    assert [entry.kind for entry in first.entries] == ["activity", "payment", "invoice"]
    assert [entry.kind for entry in second.entries] == ["order", "opportunity", "lead"]
    assert [entry.kind for entry in last.entries] == ["campaign_response", "campaign_target", "party"]
    assert (first.has_next, second.has_next, last.has_next) == (True, True, False)
    assert everything.entries[0].url == f"/marketing/activities/{activity.pk}/"
    assert (everything.entries[0].state, everything.entries[6].state) == ("Open", "Positive")


# Merge preview


def test_merge_preview_counts_what_would_move(clerk):
    # given
    keep, remove = PartyFactory(), PartyFactory()
    shared, new = TagFactory(name="shared"), TagFactory(name="new")
    keep.tags.add(shared)
    remove.tags.add(shared, new)
    contact_create(party=remove, by=clerk, name="Ann")
    contact_create(party=remove, by=clerk, name="Bob")
    LeadFactory(party=remove)
    make_customer(party=remove)

    # when
    moves = party_merge_preview(keep=keep, remove=remove)

    # then: only the tag keep does not have yet counts
    assert [(move.label, move.count) for move in moves] == [
        ("Leads", 1),
        ("Tags", 1),
        ("Contact persons", 2),
        ("Customer", 1),
    ]


def test_merge_keeper_is_the_customer_else_the_older_party(db):
    # given
    older, newer = PartyFactory(name="Older"), PartyFactory(name="Newer")
    customer = make_customer(party=PartyFactory(name="Customer")).party
    fetched = {party.pk: party for party in Party.objects.select_related("customer")}

    # when / then: the order they are given in does not matter
    assert party_merge_keeper(first=fetched[newer.pk], second=fetched[older.pk]) == (older, newer)
    assert party_merge_keeper(first=fetched[older.pk], second=fetched[newer.pk]) == (older, newer)
    assert party_merge_keeper(first=fetched[older.pk], second=fetched[customer.pk]) == (customer, older)
