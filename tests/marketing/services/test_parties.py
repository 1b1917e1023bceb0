import pytest

from core.errors import TransitionRefused, ValidationFailed
from marketing.models import Address, Contact, Party, Tag
from marketing.services.parties import (
    PartyDuplicates,
    address_create,
    address_delete,
    address_update,
    contact_create,
    contact_delete,
    contact_update,
    party_create,
    party_delete,
    party_tags_set,
    party_update,
    tag_create,
    tag_delete,
    tag_rename,
)
from tests.factories.marketing import AddressFactory, ContactFactory, LeadFactory, PartyFactory, TagFactory


def contacts_of(party: Party) -> list[tuple[str, bool]]:
    return [(contact.name, contact.is_primary) for contact in party.contacts.order_by("id")]


def addresses_of(party: Party) -> list[tuple[str, str, bool]]:
    return [(address.purpose, address.street, address.is_default) for address in party.addresses.order_by("id")]


# Parties


def test_party_create_trims_normalizes_and_records_who(clerk):
    # when
    party = party_create(
        by=clerk, name="  Brouwer Kantoor B.V. ", email=" inkoop@brouwer.nl ", postcode="3511 BA", country=" nl"
    )

    # then
    party.refresh_from_db()
    assert (party.name, party.email, party.postcode, party.country, party.created_by) == (
        "Brouwer Kantoor B.V.",
        "inkoop@brouwer.nl",
        "3511 BA",
        "NL",
        clerk,
    )


def test_party_create_names_every_bad_field_and_saves_nothing(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        party_create(by=clerk, name=" ", country="NLD")

    # then
    assert refused.value.field_errors == {
        "name": "A party needs a name.",
        "country": "Use a two-letter ISO country code, e.g. NL.",
    }
    assert not Party.objects.exists()


def test_party_create_refuses_an_unknown_field(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        party_create(by=clerk, name="Acme", colour="red")

    # then
    assert refused.value.field_errors == {"colour": "Unknown field."}
    assert not Party.objects.exists()


def test_party_create_with_contacts_addresses_and_tags(clerk):
    # given
    TagFactory(name="VIP")

    # when
    party = party_create(
        by=clerk,
        name="Lindqvist Kontor AB",
        country="SE",
        tags=["vip", " Retail ", "retail", ""],
        contacts=[{"name": "Anna Lindqvist", "job_title": "CEO"}, {"name": "Per Berg", "is_primary": True}],
        addresses=[
            {"purpose": "invoice", "street": "Box 12", "city": "Malmö", "country": "se"},
            {"purpose": "delivery", "street": "Hamngatan 3", "postcode": "211 22", "city": "Malmö", "country": "SE"},
        ],
    )

    # then: the existing tag is reused whatever its case, the new one created once; Per took over as primary
    assert sorted(party.tags.values_list("name", flat=True)) == ["Retail", "VIP"]
    assert Tag.objects.count() == 2
    assert contacts_of(party) == [("Anna Lindqvist", False), ("Per Berg", True)]
    assert addresses_of(party) == [("invoice", "Box 12", True), ("delivery", "Hamngatan 3", True)]
    assert party.addresses.get(purpose="invoice").country == "SE"


def test_party_create_names_the_bad_nested_field_and_saves_nothing(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        party_create(
            by=clerk,
            name="Acme",
            contacts=[{"name": "Ann"}],
            addresses=[{"purpose": "invoice", "street": "Dam 1", "city": "", "country": "NL"}],
        )

    # then
    assert refused.value.field_errors == {"addresses[0].city": "An address needs a city."}
    assert (Party.objects.count(), Contact.objects.count(), Address.objects.count()) == (0, 0, 0)


def test_party_create_refuses_a_party_with_the_same_email(clerk):
    # given
    existing = PartyFactory(name="Acme B.V.", email="Sales@Acme.example", postcode="1011 AB")

    # when
    with pytest.raises(PartyDuplicates) as refused:
        party_create(by=clerk, name="ACME", email="sales@acme.example ")

    # then
    assert refused.value.code == "party-duplicate"
    assert refused.value.duplicates == [existing]
    assert refused.value.field_errors == {"email": "Acme B.V. has the same email."}
    assert refused.value.reason == (
        f"This party may exist already: Acme B.V. ({existing.pk}). "
        "Check, or confirm that it is a different party to create it anyway."
    )
    assert Party.objects.count() == 1


def test_party_create_refuses_the_same_name_and_postcode_ignoring_case_and_spaces(clerk):
    # given
    existing = PartyFactory(name="Acme  BV", email="a@acme.example", postcode="1011 AB")

    # when
    with pytest.raises(PartyDuplicates) as refused:
        party_create(by=clerk, name="acme bv", email="other@acme.example", postcode="1011ab")

    # then
    assert refused.value.duplicates == [existing]
    assert refused.value.field_errors == {"name": "Acme  BV has the same name and postcode."}
    assert Party.objects.count() == 1


def test_party_create_allows_a_duplicate_when_told(clerk):
    # given
    PartyFactory(name="Acme BV", postcode="1011 AB")

    # when
    party = party_create(by=clerk, name="Acme BV", postcode="1011 AB", allow_duplicate=True)

    # then
    assert Party.objects.filter(name="Acme BV").count() == 2
    assert party.pk is not None


def test_same_name_elsewhere_is_no_duplicate(clerk):
    # given
    PartyFactory(name="Acme BV", postcode="1011 AB", email="a@acme.example")

    # when
    party = party_create(by=clerk, name="Acme BV", postcode="3011 AA", email="b@acme.example")

    # then
    assert party.pk is not None


def test_party_update_changes_fields_and_replaces_tags(clerk):
    # given
    party = PartyFactory(name="Acme", city="Delft")
    party.tags.add(TagFactory(name="old"))

    # when
    party_update(party=party, by=clerk, city="Leiden", tags=["new", "NEW"])

    # then
    party.refresh_from_db()
    assert party.city == "Leiden"
    assert list(party.tags.values_list("name", flat=True)) == ["new"]


def test_party_update_refusal_changes_nothing(clerk):
    # given
    party = PartyFactory(name="Acme", city="Delft", country="NL")
    party.tags.add(TagFactory(name="keep"))

    # when
    with pytest.raises(ValidationFailed) as refused:
        party_update(party=party, by=clerk, city="Leiden", country="X", tags=["lost"])

    # then
    assert refused.value.field_errors == {"country": "Use a two-letter ISO country code, e.g. NL."}
    party.refresh_from_db()
    assert (party.city, party.country) == ("Delft", "NL")
    assert list(party.tags.values_list("name", flat=True)) == ["keep"]
    assert not Tag.objects.filter(name="lost").exists()


def test_party_delete_removes_a_party_with_only_its_own_details(clerk):
    # given
    party = PartyFactory()
    ContactFactory(party=party)
    AddressFactory(party=party)

    # when
    party_delete(party=party, by=clerk)

    # then
    assert (Party.objects.count(), Contact.objects.count(), Address.objects.count()) == (0, 0, 0)


def test_party_delete_is_refused_while_a_lead_hangs_on_it(clerk):
    # given
    party = PartyFactory(name="Acme")
    LeadFactory(party=party)

    # when
    with pytest.raises(TransitionRefused) as refused:
        party_delete(party=party, by=clerk)

    # then
    assert refused.value.code == "party-in-use"
    assert refused.value.reason == "Acme is still used (leads): merge it into another party instead of deleting it."
    assert Party.objects.filter(pk=party.pk).exists()


# Tags


def test_party_tags_set_creates_new_tags_and_reuses_existing_ones_ignoring_case(clerk):
    # given
    TagFactory(name="Wholesale")
    party = PartyFactory()

    # when
    party_tags_set(party=party, tags=["wholesale", "Trade  show 2025", "  "], by=clerk)

    # then
    assert sorted(party.tags.values_list("name", flat=True)) == ["Trade show 2025", "Wholesale"]
    assert Tag.objects.count() == 2


def test_party_tags_set_refuses_a_too_long_name_and_keeps_the_tags(clerk):
    # given
    party = PartyFactory()
    party.tags.add(TagFactory(name="keep"))

    # when
    with pytest.raises(ValidationFailed) as refused:
        party_tags_set(party=party, tags=["ok", "x" * 51], by=clerk)

    # then
    assert refused.value.field_errors == {"tags": f"Tag '{'x' * 51}' is too long: use at most 50 characters."}
    assert list(party.tags.values_list("name", flat=True)) == ["keep"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["keep"]


def test_tag_create_rename_and_delete(clerk):
    # given
    party = PartyFactory()

    # when
    tag = tag_create(name=" Key  account ", by=clerk)
    party.tags.add(tag)
    tag = tag_rename(tag=tag, name="Key accounts", by=clerk)

    # then
    assert list(party.tags.values_list("name", flat=True)) == ["Key accounts"]

    # when
    tag_delete(tag=tag, by=clerk)

    # then
    assert not Tag.objects.exists()
    assert Party.objects.filter(pk=party.pk).exists()


def test_tag_names_are_unique_ignoring_case(clerk):
    # given
    TagFactory(name="VIP")
    other = TagFactory(name="Retail")

    # when / then
    with pytest.raises(ValidationFailed) as created:
        tag_create(name="vip", by=clerk)
    with pytest.raises(ValidationFailed) as renamed:
        tag_rename(tag=other, name="Vip", by=clerk)
    assert created.value.field_errors == {"name": "Tag 'vip' exists already."}
    assert renamed.value.field_errors == {"name": "Tag 'Vip' exists already."}
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Retail", "VIP"]


# Contact persons


def test_first_contact_becomes_primary_and_a_new_primary_unprimaries_the_other(clerk):
    # given
    party = PartyFactory()

    # when
    contact_create(party=party, by=clerk, name="Ann", job_title="Buyer", email="ann@acme.example")
    contact_create(party=party, by=clerk, name="Bob")
    contact_create(party=party, by=clerk, name="Cy", is_primary=True)

    # then
    assert contacts_of(party) == [("Ann", False), ("Bob", False), ("Cy", True)]


def test_contact_create_names_the_bad_fields_and_saves_nothing(clerk):
    # given
    party = PartyFactory()

    # when / then
    with pytest.raises(ValidationFailed) as nameless:
        contact_create(party=party, by=clerk, name="  ")
    with pytest.raises(ValidationFailed) as bad_email:
        contact_create(party=party, by=clerk, name="Ann", email="not-an-email")
    assert nameless.value.field_errors == {"name": "A contact person needs a name."}
    assert bad_email.value.field_errors == {"email": "Enter a valid email address."}
    assert not Contact.objects.exists()


def test_contact_update_makes_another_primary(clerk):
    # given
    party = PartyFactory()
    ann = contact_create(party=party, by=clerk, name="Ann")
    bob = contact_create(party=party, by=clerk, name="Bob")

    # when
    contact_update(contact=bob, by=clerk, is_primary=True, job_title="Director")

    # then
    assert contacts_of(party) == [("Ann", False), ("Bob", True)]
    bob.refresh_from_db()
    assert bob.job_title == "Director"
    ann.refresh_from_db()
    assert not ann.is_primary


def test_contact_update_refuses_to_leave_a_party_without_primary(clerk):
    # given
    party = PartyFactory()
    ann = contact_create(party=party, by=clerk, name="Ann")
    contact_create(party=party, by=clerk, name="Bob")

    # when
    with pytest.raises(ValidationFailed) as refused:
        contact_update(contact=ann, by=clerk, is_primary=False, phone="+31 6 1234 5678")

    # then
    assert refused.value.field_errors == {
        "is_primary": "Ann is the primary contact: make another contact primary instead."
    }
    ann.refresh_from_db()
    assert (ann.is_primary, ann.phone) == (True, "")


def test_contact_delete_of_the_primary_hands_over_to_the_next(clerk):
    # given
    party = PartyFactory()
    ann = contact_create(party=party, by=clerk, name="Ann")
    contact_create(party=party, by=clerk, name="Cy")
    contact_create(party=party, by=clerk, name="Bob")

    # when
    contact_delete(contact=ann, by=clerk)

    # then: by name, Bob comes first
    assert contacts_of(party) == [("Cy", False), ("Bob", True)]


# Addresses


def test_first_address_of_a_purpose_is_its_default_and_a_new_default_replaces_it(clerk):
    # given
    party = PartyFactory()

    # when
    address_create(party=party, by=clerk, purpose="delivery", street="Dock 1", city="Rotterdam", country="nl")
    address_create(party=party, by=clerk, purpose="delivery", street="Dock 2", city="Rotterdam", country="NL")
    address_create(party=party, by=clerk, purpose="invoice", street="Box 5", city="Delft", country="NL")
    address_create(
        party=party, by=clerk, purpose="delivery", street="Dock 3", city="Rotterdam", country="NL", is_default=True
    )

    # then
    assert addresses_of(party) == [
        ("delivery", "Dock 1", False),
        ("delivery", "Dock 2", False),
        ("invoice", "Box 5", True),
        ("delivery", "Dock 3", True),
    ]


def test_address_create_names_every_bad_field_and_saves_nothing(clerk):
    # given
    party = PartyFactory()

    # when
    with pytest.raises(ValidationFailed) as refused:
        address_create(party=party, by=clerk, purpose="billing", street=" ", city="", country="Holland")

    # then
    assert refused.value.field_errors == {
        "purpose": "Choose invoice, delivery or visit.",
        "street": "An address needs a street.",
        "city": "An address needs a city.",
        "country": "Use a two-letter ISO country code, e.g. NL.",
    }
    assert not Address.objects.exists()


def test_address_update_moving_the_default_to_another_purpose_hands_over(clerk):
    # given
    party = PartyFactory()
    first = address_create(party=party, by=clerk, purpose="delivery", street="Dock 1", city="Rotterdam", country="NL")
    address_create(party=party, by=clerk, purpose="delivery", street="Dock 2", city="Rotterdam", country="NL")

    # when: the default delivery address becomes the visiting address
    address_update(address=first, by=clerk, purpose="visit")

    # then
    assert addresses_of(party) == [("visit", "Dock 1", True), ("delivery", "Dock 2", True)]


def test_address_update_refuses_to_leave_a_purpose_without_default(clerk):
    # given
    party = PartyFactory()
    first = address_create(party=party, by=clerk, purpose="invoice", street="Box 5", city="Delft", country="NL")

    # when
    with pytest.raises(ValidationFailed) as refused:
        address_update(address=first, by=clerk, is_default=False, city="Leiden")

    # then
    assert refused.value.field_errors == {
        "is_default": "This is the default invoice address: make another one the default instead."
    }
    first.refresh_from_db()
    assert (first.is_default, first.city) == (True, "Delft")


def test_address_delete_of_the_default_hands_over_to_the_next_of_that_purpose(clerk):
    # given
    party = PartyFactory()
    first = address_create(party=party, by=clerk, purpose="delivery", street="Dock 1", city="Rotterdam", country="NL")
    address_create(party=party, by=clerk, purpose="invoice", street="Box 5", city="Delft", country="NL")
    address_create(party=party, by=clerk, purpose="delivery", street="Dock 2", city="Rotterdam", country="NL")

    # when
    address_delete(address=first, by=clerk)

    # then
    assert addresses_of(party) == [("invoice", "Box 5", True), ("delivery", "Dock 2", True)]


# Language and country


def party_rows() -> list[tuple]:
    return list(Party.objects.order_by("pk").values_list("pk", "name", "country", "language"))


@pytest.mark.parametrize(
    ("country", "language"),
    [("NL", "nl"), ("se", "sv"), ("BE", "en"), ("DE", "en"), ("US", "en")],
)
def test_a_new_party_without_a_language_takes_its_countrys(clerk, country, language):
    # when
    party = party_create(by=clerk, name="Acme", country=country)

    # then
    party.refresh_from_db()
    assert (party.country, party.language) == (country.upper(), language)


def test_a_language_left_empty_on_the_form_also_follows_the_country(clerk):
    # when: a form sends the empty choice
    party = party_create(by=clerk, name="Ström Kontor AB", country="SE", language="")

    # then
    party.refresh_from_db()
    assert party.language == "sv"


def test_a_language_given_wins_over_the_country(clerk):
    # when
    party = party_create(by=clerk, name="Ström Kontor AB", country="SE", language="en")

    # then
    party.refresh_from_db()
    assert party.language == "en"


def test_a_party_update_keeps_its_language_when_the_country_changes(clerk):
    # given
    party = party_create(by=clerk, name="Acme", country="NL")

    # when
    party_update(party=party, by=clerk, country="SE")

    # then: the clerk's earlier choice (here: the default) is not second-guessed
    party.refresh_from_db()
    assert (party.country, party.language) == ("SE", "nl")


def test_party_create_refuses_a_country_code_iso_does_not_know(clerk):
    # given
    PartyFactory(name="Existing", country="NL")
    before = party_rows()

    # when
    with pytest.raises(ValidationFailed) as refused:
        party_create(by=clerk, name="Acme", country="xx")

    # then
    assert refused.value.field_errors == {"country": "XX is not an ISO 3166 country code; use e.g. NL, BE or SE."}
    assert party_rows() == before


def test_party_update_refuses_a_country_code_iso_does_not_know(clerk):
    # given
    party = PartyFactory(name="Acme", country="NL", language="nl")
    before = party_rows()

    # when
    with pytest.raises(ValidationFailed) as refused:
        party_update(party=party, by=clerk, country="XX")

    # then
    assert refused.value.field_errors == {"country": "XX is not an ISO 3166 country code; use e.g. NL, BE or SE."}
    assert party_rows() == before


def test_address_create_refuses_an_unknown_country_and_reads_lower_case(clerk):
    # given
    party = PartyFactory()
    before = list(Address.objects.values_list("pk", "country"))

    # when
    with pytest.raises(ValidationFailed) as refused:
        address_create(party=party, by=clerk, purpose="delivery", street="Dock 1", city="Nowhere", country="XX")
    address = address_create(party=party, by=clerk, purpose="delivery", street="Dock 2", city="Gent", country="be")

    # then
    assert refused.value.field_errors == {"country": "XX is not an ISO 3166 country code; use e.g. NL, BE or SE."}
    assert before == []
    assert list(Address.objects.values_list("street", "country")) == [("Dock 2", "BE")]
    assert address.country == "BE"
