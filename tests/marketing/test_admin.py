"""The party admin: parties are created and changed through the marketing services."""

from django.contrib.messages import get_messages
from django.urls import reverse

from marketing.models import Party
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

CHANGELIST = reverse("admin:marketing_party_changelist")


def party_form(**overrides) -> dict:
    data = {
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
    # given: a prospect and a customer
    client.force_login(administrator)
    PartyFactory()
    make_customer()
    with django_assert_max_num_queries(10) as first:
        response = client.get(CHANGELIST)
    assert response.status_code == 200

    # when: ten more parties, half of them customers
    for index in range(10):
        if index % 2:
            make_customer()
        else:
            PartyFactory()
    with django_assert_max_num_queries(10) as again:
        response = client.get(CHANGELIST)

    # then
    assert response.status_code == 200
    assert len(again) == len(first)
    assert response.context["cl"].result_count == 12


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
