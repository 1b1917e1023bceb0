"""The party admin: parties are created and changed through the marketing services."""

from django.contrib.messages import get_messages
from django.urls import reverse

from marketing.models import Address, Contact, Party, Tag, Unsubscription
from marketing.services.parties import contact_create
from tests.factories.marketing import (
    AddressFactory,
    ContactFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
    TagFactory,
)
from tests.factories.salesapp import make_customer
from tests.factories.users import builder

CHANGELIST = reverse("admin:marketing_party_changelist")


def inline_management(prefix: str, *, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def party_form(**overrides) -> dict:
    data = {
        **inline_management("contacts"),
        **inline_management("addresses"),
        "kind": "organization",
        "name": "Brouwer Kantoorinrichting B.V.",
        "vat_number": "NL812345678B01",
        "language": "nl",
        "email": "inkoop@brouwer-kantoor.nl",
        "phone": "+31 30 234 5678",
        "street": "Vredenburg 12",
        "postcode": "3511 BA",
        "city": "Utrecht",
        "country": "nl",
    }
    return {**data, **overrides}


def test_party_changelist_keeps_a_constant_query_count(client, administrator, django_assert_max_num_queries):
    # given: a prospect, a lead and a customer
    client.force_login(administrator)
    PartyFactory()
    LeadFactory(party=PartyFactory())
    make_customer()
    with django_assert_max_num_queries(11) as first:
        response = client.get(CHANGELIST)
    assert response.status_code == 200

    # when: thirty more parties at every stage, with tags
    for index in range(30):
        party = make_customer().party if index % 3 == 0 else PartyFactory()
        if index % 3 == 1:
            OpportunityFactory(party=party)
        party.tags.add(TagFactory(name=f"tag {index}"))
    with django_assert_max_num_queries(11) as again:
        response = client.get(CHANGELIST)

    # then
    assert response.status_code == 200
    assert len(again) == len(first)
    assert response.context["cl"].result_count == 33


def test_party_change_page_loads(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory(name="Lindqvist Kontorsvaror AB")

    # when
    response = client.get(reverse("admin:marketing_party_change", args=[party.pk]))

    # then
    assert response.status_code == 200
    assert "Lindqvist Kontorsvaror AB" in response.content.decode()


def test_party_added_in_admin_goes_through_the_service(client, administrator):
    # given
    client.force_login(administrator)

    # when
    response = client.post(reverse("admin:marketing_party_add"), party_form())

    # then: the service normalized the country code and recorded who created the party
    assert response.status_code == 302
    party = Party.objects.get(name="Brouwer Kantoorinrichting B.V.")
    assert (party.country, party.city, party.created_by) == ("NL", "Utrecht", administrator)


def test_party_added_in_admin_without_a_language_takes_the_countrys(client, administrator):
    # given
    client.force_login(administrator)

    # when
    response = client.post(reverse("admin:marketing_party_add"), party_form(language="", country="se"))

    # then
    assert response.status_code == 302
    party = Party.objects.get(name="Brouwer Kantoorinrichting B.V.")
    assert (party.country, party.language) == ("SE", "sv")


def test_party_change_in_admin_refuses_a_country_iso_does_not_know(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory(name="Weber Büroausstattung GmbH", country="DE")

    # when
    response = client.post(reverse("admin:marketing_party_change", args=[party.pk]), party_form(country="XX"))

    # then
    party.refresh_from_db()
    assert (party.name, party.country) == ("Weber Büroausstattung GmbH", "DE")
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("error", "country: XX is not an ISO 3166 country code; use e.g. NL, BE or SE.")
    ]


def test_party_change_refused_by_the_service_shows_its_reason(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory(name="Weber Büroausstattung GmbH", country="DE")

    # when: a one-letter country passes the form but not the service
    response = client.post(reverse("admin:marketing_party_change", args=[party.pk]), party_form(country="D"))

    # then
    party.refresh_from_db()
    assert response.status_code == 302
    assert (party.name, party.country) == ("Weber Büroausstattung GmbH", "DE")
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("error", "country: Use a two-letter ISO country code, e.g. NL.")
    ]


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_party_changelist_shows_and_filters_the_stage(client, administrator):
    # given
    client.force_login(administrator)
    PartyFactory(name="Prospect Ltd")
    LeadFactory(party=PartyFactory(name="Lead Ltd"))
    make_customer(party=PartyFactory(name="Customer Ltd"))

    # when
    everything = client.get(CHANGELIST)
    leads = client.get(CHANGELIST, {"stage": "lead"})

    # then
    html = everything.content.decode()
    assert '<td class="field-stage">Customer</td>' in html
    assert '<td class="field-stage">Lead</td>' in html
    assert '<td class="field-stage">Prospect</td>' in html
    assert [party.name for party in leads.context["cl"].result_list] == ["Lead Ltd"]


def test_party_added_with_contacts_and_tags_goes_through_the_services(client, administrator):
    # given
    client.force_login(administrator)
    vip = TagFactory(name="VIP")
    data = party_form(
        tags=[vip.pk],
        **inline_management("contacts", total=2),
        **{
            "contacts-0-name": "Anna Brouwer",
            "contacts-0-job_title": "Inkoper",
            "contacts-1-name": "Bert Brouwer",
        },
    )

    # when
    response = client.post(reverse("admin:marketing_party_add"), data)

    # then: the first contact became the primary one
    assert response.status_code == 302, response.context and response.context["errors"]
    party = Party.objects.get()
    assert sorted(party.contacts.values_list("name", "job_title", "is_primary")) == [
        ("Anna Brouwer", "Inkoper", True),
        ("Bert Brouwer", "", False),
    ]
    assert list(party.tags.all()) == [vip]


def test_party_change_inline_makes_another_contact_primary(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory(name="Brouwer", email="a@brouwer.example", country="NL")
    ann = contact_create(party=party, name="Ann", by=builder())
    bob = contact_create(party=party, name="Bob", by=builder())
    data = party_form(
        name="Brouwer",
        email="a@brouwer.example",
        **inline_management("contacts", total=2, initial=2),
        **{
            "contacts-0-id": ann.pk,
            "contacts-0-party": party.pk,
            "contacts-0-name": "Ann",
            "contacts-1-id": bob.pk,
            "contacts-1-party": party.pk,
            "contacts-1-name": "Bob",
            "contacts-1-is_primary": "on",
        },
    )

    # when
    response = client.post(reverse("admin:marketing_party_change", args=[party.pk]), data)

    # then
    assert response.status_code == 302
    assert sorted(party.contacts.values_list("name", "is_primary")) == [("Ann", False), ("Bob", True)]


def test_party_add_refuses_a_duplicate_unless_confirmed(client, administrator):
    # given
    client.force_login(administrator)
    existing = PartyFactory(name="Brouwer Kantoorinrichting B.V.", email="inkoop@brouwer-kantoor.nl")
    url = reverse("admin:marketing_party_add")

    # when
    refused = client.post(url, party_form())

    # then
    assert refused.status_code == 302
    assert messages_of(refused) == [
        (
            "error",
            f"This party may exist already: Brouwer Kantoorinrichting B.V. ({existing.pk}). "
            "Check, or confirm that it is a different party to create it anyway.",
        )
    ]
    assert Party.objects.count() == 1

    # when
    client.post(url, party_form(allow_duplicate="on"))

    # then
    assert Party.objects.count() == 2


def test_merge_action_keeps_the_customer_and_moves_the_rest(client, administrator):
    # given
    client.force_login(administrator)
    prospect = PartyFactory(name="Acme")
    ContactFactory(party=prospect, name="Ann")
    customer = make_customer(party=PartyFactory(name="Acme B.V."))

    # when
    response = client.post(CHANGELIST, {"action": "merge_two", "_selected_action": [prospect.pk, customer.party_id]})

    # then: the newer party stays because its customer account names it
    assert messages_of(response) == [("success", "Acme merged into Acme B.V..")]
    assert list(Party.objects.values_list("pk", flat=True)) == [customer.party_id]
    assert list(Contact.objects.values_list("party_id", "name")) == [(customer.party_id, "Ann")]


def test_merge_action_needs_exactly_two_and_shows_refusals(client, administrator):
    # given
    client.force_login(administrator)
    first = make_customer(party=PartyFactory(name="Acme")).party
    second = make_customer(party=PartyFactory(name="Acme B.V.")).party
    third = PartyFactory(name="Beta")

    # when
    one = client.post(CHANGELIST, {"action": "merge_two", "_selected_action": [third.pk]})
    customers = client.post(CHANGELIST, {"action": "merge_two", "_selected_action": [first.pk, second.pk]})

    # then
    assert messages_of(one) == [("error", "Select exactly two parties to merge.")]
    # (the first message was not shown yet: the test follows no redirect)
    assert messages_of(customers)[-1] == (
        "error",
        "Acme and Acme B.V. each have their own customer: C00001 and C00002. These are never merged, because "
        "their posted documents never change: keep working with one party and stop using the other.",
    )
    assert Party.objects.count() == 3


def test_contact_admin_saves_through_the_service(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory()
    ann = contact_create(party=party, name="Ann", by=builder())

    # when
    response = client.post(
        reverse("admin:marketing_contact_add"), {"party": party.pk, "name": "Bob", "is_primary": "on"}
    )

    # then
    assert response.status_code == 302
    ann.refresh_from_db()
    assert not ann.is_primary
    assert party.contacts.get(is_primary=True).name == "Bob"

    # when: the primary contact is deleted, Ann takes over again
    client.post(reverse("admin:marketing_contact_delete", args=[party.contacts.get(name="Bob").pk]), {"post": "yes"})

    # then
    assert list(party.contacts.values_list("name", "is_primary")) == [("Ann", True)]


def test_address_admin_saves_through_the_service(client, administrator):
    # given
    client.force_login(administrator)
    address = AddressFactory(purpose="invoice", is_default=True)

    # when
    response = client.post(
        reverse("admin:marketing_address_change", args=[address.pk]),
        {"purpose": "invoice", "street": "Dam 2", "city": "Amsterdam", "country": "nl", "is_default": "on"},
    )

    # then
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.street, address.country) == ("Dam 2", "NL")
    assert Address.objects.count() == 1


def test_tag_admin_renames_and_refuses_a_name_taken_in_another_case(client, administrator):
    # given
    client.force_login(administrator)
    vip = TagFactory(name="VIP")
    retail = TagFactory(name="Retail")
    PartyFactory().tags.add(vip)

    # when
    renamed = client.post(reverse("admin:marketing_tag_change", args=[retail.pk]), {"name": "Retail  chains"})
    taken = client.post(reverse("admin:marketing_tag_change", args=[retail.pk]), {"name": "vip"})

    # then
    assert renamed.status_code == 302
    assert messages_of(taken)[-1] == ("error", "name: Tag 'vip' exists already.")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Retail chains", "VIP"]
    listing = client.get(reverse("admin:marketing_tag_changelist"))
    assert '<td class="field-party_count">1</td>' in listing.content.decode()


def test_unsubscriptions_are_listed_read_only(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory(name="Acme")
    unsubscription = Unsubscription.objects.create(email="no-mail@acme.example", party=party)

    # when
    listing = client.get(reverse("admin:marketing_unsubscription_changelist"))
    detail = client.get(reverse("admin:marketing_unsubscription_change", args=[unsubscription.pk]))

    # then
    html = listing.content.decode()
    assert listing.status_code == 200 and "no-mail@acme.example" in html and "Acme" in html
    assert client.get(reverse("admin:marketing_unsubscription_add")).status_code == 403
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
