"""Contact persons and addresses, managed from the party page."""

from django.urls import reverse

from marketing.models import Address, Contact
from marketing.services.parties import address_create, contact_create
from tests.factories.marketing import PartyFactory


def test_contact_create_adds_the_first_contact_as_primary(client, clerk):
    # given
    party = PartyFactory()
    client.force_login(clerk)

    # when
    form = client.get(reverse("marketing:contact_create", args=[party.pk])).context["form"]
    response = client.post(
        reverse("marketing:contact_create", args=[party.pk]),
        {"name": " Ann de Vries ", "job_title": "Buyer", "email": "ann@acme.example", "phone": "+31 6 1"},
    )

    # then
    assert form.fields["name"].widget.attrs["autofocus"] is True
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    contact = party.contacts.get()
    assert (contact.name, contact.job_title, contact.email, contact.is_primary) == (
        "Ann de Vries",
        "Buyer",
        "ann@acme.example",
        True,
    )


def test_contact_create_shows_the_refusal_on_the_field(client, clerk):
    # given
    party = PartyFactory()
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:contact_create", args=[party.pk]), {"name": "   "})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert not Contact.objects.exists()


def test_contact_update_refuses_to_unprimary_the_only_primary(client, clerk):
    # given
    party = PartyFactory()
    ann = contact_create(party=party, by=clerk, name="Ann")
    contact_create(party=party, by=clerk, name="Bob")
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:contact_update", args=[ann.pk]), {"name": "Ann", "job_title": "CEO"})

    # then
    assert response.context["form"].errors == {
        "is_primary": ["Ann is the primary contact: make another contact primary instead."]
    }
    ann.refresh_from_db()
    assert (ann.job_title, ann.is_primary) == ("", True)


def test_make_primary_and_delete_a_contact(client, clerk):
    # given
    party = PartyFactory()
    ann = contact_create(party=party, by=clerk, name="Ann")
    bob = contact_create(party=party, by=clerk, name="Bob")
    client.force_login(clerk)

    # when
    made = client.post(reverse("marketing:contact_make_primary", args=[bob.pk]))

    # then
    assert made["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert sorted(party.contacts.values_list("name", "is_primary")) == [("Ann", False), ("Bob", True)]

    # when: the primary goes, Ann takes over
    client.post(reverse("marketing:contact_delete", args=[bob.pk]))

    # then
    assert list(party.contacts.values_list("pk", "is_primary")) == [(ann.pk, True)]


def test_contact_actions_are_post_only_and_need_permission(client, clerk, billing):
    # given
    party = PartyFactory()
    contact = contact_create(party=party, by=clerk, name="Ann")

    # when / then
    client.force_login(clerk)
    assert client.get(reverse("marketing:contact_delete", args=[contact.pk])).status_code == 405
    client.force_login(billing)
    assert client.get(reverse("marketing:contact_create", args=[party.pk])).status_code == 403
    assert client.post(reverse("marketing:contact_delete", args=[contact.pk])).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_address_create_prefills_the_party_country_and_makes_the_first_the_default(client, clerk):
    # given
    party = PartyFactory(country="SE")
    client.force_login(clerk)
    url = reverse("marketing:address_create", args=[party.pk])

    # when
    form = client.get(url, {"purpose": "invoice"}).context["form"]
    response = client.post(
        url, {"purpose": "invoice", "street": "Box 12", "postcode": "211 22", "city": "Malmö", "country": "se"}
    )

    # then
    assert (form.initial["country"], form.initial["purpose"]) == ("SE", "invoice")
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    address = party.addresses.get()
    assert (address.purpose, address.street, address.country, address.is_default) == ("invoice", "Box 12", "SE", True)


def test_address_form_shows_the_service_refusal(client, clerk):
    # given
    party = PartyFactory()
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:address_create", args=[party.pk]),
        {"purpose": "visit", "street": "Dam 1", "city": "Amsterdam", "country": "N1"},
    )

    # then
    assert response.context["form"].errors == {"country": ["Use a two-letter ISO country code, e.g. NL."]}
    assert not Address.objects.exists()


def test_address_update_default_and_delete(client, clerk):
    # given
    party = PartyFactory()
    first = address_create(party=party, by=clerk, purpose="delivery", street="Dock 1", city="Rotterdam", country="NL")
    second = address_create(party=party, by=clerk, purpose="delivery", street="Dock 2", city="Rotterdam", country="NL")
    client.force_login(clerk)

    # when
    client.post(
        reverse("marketing:address_update", args=[second.pk]),
        {"purpose": "delivery", "street": "Dock 2a", "city": "Rotterdam", "country": "NL"},
    )
    client.post(reverse("marketing:address_make_default", args=[second.pk]))

    # then
    assert list(party.addresses.order_by("id").values_list("street", "is_default")) == [
        ("Dock 1", False),
        ("Dock 2a", True),
    ]

    # when
    response = client.post(reverse("marketing:address_delete", args=[second.pk]))

    # then
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert list(party.addresses.values_list("pk", "is_default")) == [(first.pk, True)]
