import datetime

import pytest

from core.errors import ActionForbidden, ValidationFailed
from marketing.models import Activity, Address, CampaignTarget, Contact, Lead, Opportunity, Party, Unsubscription
from marketing.services.parties import address_create, contact_create
from marketing.services.party_merge import party_merge
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


def party_with_everything(name: str, *, by, campaign=None) -> Party:
    party = PartyFactory(name=name, email=f"{name.lower()}@example.com")
    contact_create(party=party, by=by, name=f"{name} Buyer")
    contact_create(party=party, by=by, name=f"{name} Director")
    LeadFactory(party=party, company_name=name)
    OpportunityFactory(party=party, name=f"{name} deal")
    ActivityFactory(party=party, owner=by, subject=f"Call {name}")
    CampaignTargetFactory(party=party, campaign=campaign or CampaignFactory())
    return party


def snapshot(party: Party) -> dict:
    return {
        "contacts": sorted(party.contacts.values_list("name", "is_primary")),
        "leads": sorted(party.leads.values_list("company_name", flat=True)),
        "opportunities": sorted(party.opportunities.values_list("name", flat=True)),
        "activities": sorted(party.activities.values_list("subject", flat=True)),
        "targets": sorted(party.campaign_targets.values_list("campaign__name", flat=True)),
    }


def test_merge_moves_everything_to_the_kept_party_and_deletes_the_other(clerk):
    # given
    keep = party_with_everything("Acme", by=clerk)
    remove = party_with_everything("Acmee", by=clerk)
    remove_pk = remove.pk
    targets_before = snapshot(keep)["targets"] + snapshot(remove)["targets"]

    # when
    merged = party_merge(keep=keep, remove=remove, by=clerk)

    # then: everything hangs on keep, keep's primary contact stays the only primary
    assert merged.pk == keep.pk
    assert not Party.objects.filter(pk=remove_pk).exists()
    after = snapshot(keep)
    assert after["contacts"] == [
        ("Acme Buyer", True),
        ("Acme Director", False),
        ("Acmee Buyer", False),
        ("Acmee Director", False),
    ]
    assert after["leads"] == ["Acme", "Acmee"]
    assert after["opportunities"] == ["Acme deal", "Acmee deal"]
    assert after["targets"] == sorted(targets_before) and len(targets_before) == 2
    assert Lead.objects.count() == 2 and Opportunity.objects.count() == 2 and CampaignTarget.objects.count() == 2
    # the merge itself is a done task on keep, next to both calls
    record = keep.activities.get(activity_type="task")
    assert (record.done, record.owner, record.subject) == (True, clerk, "Merged Acmee into this party")
    assert record.notes == "\n".join(
        ["Activities: 1", "Campaign targets: 1", "Leads: 1", "Opportunities: 1", "Contact persons: 2"]
    )
    assert after["activities"] == ["Call Acme", "Call Acmee", "Merged Acmee into this party"]


def test_merge_without_primary_on_keep_keeps_the_removed_partys_primary(clerk):
    # given
    keep = PartyFactory()
    remove = PartyFactory()
    contact_create(party=remove, by=clerk, name="Ann")
    contact_create(party=remove, by=clerk, name="Bob")

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then
    assert sorted(keep.contacts.values_list("name", "is_primary")) == [("Ann", True), ("Bob", False)]


def test_merge_keeps_the_kept_partys_default_addresses(clerk):
    # given
    keep = PartyFactory()
    remove = PartyFactory()
    address_create(party=keep, by=clerk, purpose="invoice", street="Keep 1", city="Delft", country="NL")
    address_create(party=remove, by=clerk, purpose="invoice", street="Remove 1", city="Delft", country="NL")
    address_create(party=remove, by=clerk, purpose="delivery", street="Remove 2", city="Delft", country="NL")

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then: remove's invoice default steps back, its delivery address stays the (only) default
    assert sorted(keep.addresses.values_list("purpose", "street", "is_default")) == [
        ("delivery", "Remove 2", True),
        ("invoice", "Keep 1", True),
        ("invoice", "Remove 1", False),
    ]
    assert Address.objects.count() == 3


def test_merge_unites_the_tags(clerk):
    # given
    vip, retail, trade = TagFactory(name="VIP"), TagFactory(name="Retail"), TagFactory(name="Trade")
    keep, remove = PartyFactory(), PartyFactory()
    keep.tags.add(vip, retail)
    remove.tags.add(retail, trade)

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then
    assert sorted(keep.tags.values_list("name", flat=True)) == ["Retail", "Trade", "VIP"]
    assert retail.parties.count() == 1


def test_merge_fills_the_kept_partys_empty_fields(clerk):
    # given
    keep = PartyFactory(email="", phone="", vat_number="", street="", postcode="", city="", country="NL")
    remove = PartyFactory(
        email="b@acme.example",
        phone="+46 8 123",
        vat_number="SE556677889901",
        street="Storgatan 1",
        postcode="111 22",
        city="Stockholm",
        country="SE",
    )

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then
    keep.refresh_from_db()
    assert (keep.email, keep.phone, keep.vat_number) == ("b@acme.example", "+46 8 123", "SE556677889901")
    assert keep.address_lines == ["Storgatan 1", "111 22 Stockholm", "SE"]


def test_merge_does_not_mix_addresses_or_overwrite_filled_fields(clerk):
    # given
    keep = PartyFactory(email="a@acme.example", phone="", street="", postcode="", city="Delft", country="NL")
    remove = PartyFactory(email="b@acme.example", phone="+31 15 1", street="Dam 1", postcode="1012 JS", city="A'dam")

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then: keep has part of an address, so it keeps it as it is
    keep.refresh_from_db()
    assert (keep.email, keep.phone, keep.street, keep.postcode, keep.city) == (
        "a@acme.example",
        "+31 15 1",
        "",
        "",
        "Delft",
    )


def test_merge_of_two_targets_of_one_campaign_keeps_the_kept_partys_target(clerk):
    # given
    campaign = CampaignFactory()
    keep, remove = PartyFactory(), PartyFactory()
    kept_target = CampaignTargetFactory(campaign=campaign, party=keep, response="negative")
    removed_target = CampaignTargetFactory(campaign=campaign, party=remove, response="positive")
    call = ActivityFactory(party=remove, owner=clerk, campaign=campaign, campaign_target=removed_target)

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then: the call about the dropped target now points at the target that stays
    assert list(CampaignTarget.objects.values_list("pk", "party_id", "response")) == [
        (kept_target.pk, keep.pk, "negative")
    ]
    call.refresh_from_db()
    assert (call.party_id, call.campaign_target_id) == (keep.pk, kept_target.pk)


def test_merge_keeps_the_removed_partys_target_when_only_it_has_a_response(clerk):
    # given
    campaign = CampaignFactory()
    keep, remove = PartyFactory(), PartyFactory()
    kept_target = CampaignTargetFactory(campaign=campaign, party=keep)
    removed_target = CampaignTargetFactory(
        campaign=campaign, party=remove, response="positive", response_date=datetime.date(2025, 3, 4)
    )
    call = ActivityFactory(party=keep, owner=clerk, campaign=campaign, campaign_target=kept_target)

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then
    assert list(CampaignTarget.objects.values_list("pk", "party_id", "response")) == [
        (removed_target.pk, keep.pk, "positive")
    ]
    call.refresh_from_db()
    assert call.campaign_target_id == removed_target.pk


def test_merge_moves_unsubscriptions(clerk):
    # given
    keep, remove = PartyFactory(), PartyFactory()
    unsubscription = Unsubscription.objects.create(email=remove.email, party=remove)

    # when
    party_merge(keep=keep, remove=remove, by=clerk)

    # then
    unsubscription.refresh_from_db()
    assert unsubscription.party_id == keep.pk


def test_merge_moves_the_customer_account_with_its_orders_to_a_prospect(clerk):
    # given
    keep = PartyFactory(name="Acme")
    customer = make_customer(party=PartyFactory(name="Acme B.V."))
    order = make_order(customer=customer, by=clerk)

    # when
    party_merge(keep=keep, remove=customer.party, by=clerk)

    # then
    customer.refresh_from_db()
    order.refresh_from_db()
    assert customer.party_id == keep.pk
    assert order.customer.party_id == keep.pk
    assert Party.objects.get().name == "Acme"


def test_merge_of_two_customers_is_refused_and_changes_nothing(clerk):
    # given
    keep_customer = make_customer(party=party_with_everything("Acme", by=clerk))
    remove_customer = make_customer(party=party_with_everything("Acmee", by=clerk))
    keep, remove = keep_customer.party, remove_customer.party
    before = (snapshot(keep), snapshot(remove))
    activities = Activity.objects.count()

    # when
    with pytest.raises(ValidationFailed) as refused:
        party_merge(keep=keep, remove=remove, by=clerk)

    # then
    assert refused.value.code == "party-merge-refused"
    assert refused.value.field_errors == {
        "remove": "Acme and Acmee each have their own customer: C00001 and C00002. These are never "
        "merged, because their posted documents never change: keep working with one party and stop using the other."
    }
    assert Party.objects.count() == 2
    assert (snapshot(keep), snapshot(remove)) == before
    assert Activity.objects.count() == activities
    remove_customer.refresh_from_db()
    assert remove_customer.party_id == remove.pk


def test_merge_into_itself_is_refused(clerk):
    # given
    party = PartyFactory()

    # when
    with pytest.raises(ValidationFailed) as refused:
        party_merge(keep=party, remove=party, by=clerk)

    # then
    assert refused.value.field_errors == {"remove": "Choose another party: a party cannot be merged into itself."}
    assert Party.objects.filter(pk=party.pk).exists()


def test_merge_needs_the_right_to_delete_parties(billing):
    # given
    keep, remove = PartyFactory(), PartyFactory()
    contact = Contact.objects.create(party=remove, name="Ann", is_primary=True)

    # when
    with pytest.raises(ActionForbidden) as refused:
        party_merge(keep=keep, remove=remove, by=billing)

    # then
    assert refused.value.reason == "Your role does not allow merging parties."
    assert Party.objects.count() == 2
    contact.refresh_from_db()
    assert contact.party_id == remove.pk
