from django.urls import reverse

from marketing.models import Party
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer


def names(response) -> list[str]:
    return [party.name for party in response.context["page_obj"]]


def test_party_list_searches_name_email_and_city_and_filters_kind_and_country(client, clerk):
    # given
    PartyFactory(name="Acme BV", email="sales@acme.example", city="Amsterdam", country="NL")
    PartyFactory(name="Jan Jansen", kind="person", email="jan@jansen.example", city="Utrecht", country="NL")
    PartyFactory(name="Svensk AB", email="info@svensk.example", city="Stockholm", country="SE")
    client.force_login(clerk)
    url = reverse("marketing:party_list")

    # when / then
    assert names(client.get(url)) == ["Acme BV", "Jan Jansen", "Svensk AB"]
    assert names(client.get(url, {"q": "acme"})) == ["Acme BV"]
    assert names(client.get(url, {"q": "jansen.example"})) == ["Jan Jansen"]
    assert names(client.get(url, {"q": "stockholm"})) == ["Svensk AB"]
    assert names(client.get(url, {"kind": "person"})) == ["Jan Jansen"]
    assert names(client.get(url, {"country": "se"})) == ["Svensk AB"]
    assert names(client.get(url, {"q": "a", "kind": "organization", "country": "NL"})) == ["Acme BV"]


def test_party_list_shows_stage_customer_with_account_link_or_prospect(client, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Acme BV"))
    PartyFactory(name="Beta BV")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_list"))

    # then
    html = response.content.decode()
    account_link = f'<a href="{reverse("salesapp:customer_detail", args=[customer.pk])}">{customer.number}</a>'
    assert customer.number == "C00001"
    assert account_link in html
    assert html.count("Prospect") == 1


def test_party_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given: a few parties, one a customer
    make_customer(party=PartyFactory())
    PartyFactory()
    client.force_login(clerk)
    url = reverse("marketing:party_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

    # when: a full page of parties, half of them customers
    for _ in range(15):
        make_customer(party=PartyFactory())
        PartyFactory()

    # then: the same number of queries
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


def test_prospect_page_offers_to_create_a_customer_account(client, clerk):
    # given
    party = PartyFactory(name="Acme BV", street="Dam 1", postcode="1012 JS", city="Amsterdam")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_detail", args=[party.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Prospect" in html
    assert f'href="{reverse("salesapp:customer_create")}?party={party.pk}"' in html
    assert "Create customer account" in html
    assert "Dam 1<br>1012 JS Amsterdam<br>NL<br>" in html


def test_customer_page_of_party_links_to_the_customer_account(client, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Acme BV"))
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:party_detail", args=[customer.party.pk]))

    # then
    html = response.content.decode()
    assert "Create customer account" not in html
    assert f'href="{reverse("salesapp:customer_detail", args=[customer.pk])}"' in html
    assert f"Customer account {customer.number}" in html


def test_party_create_saves_through_the_service(client, clerk):
    # given
    client.force_login(clerk)
    data = {
        "name": "  Acme BV ",
        "kind": "organization",
        "email": "sales@acme.example",
        "phone": "+31 20 123 4567",
        "street": "Dam 1",
        "postcode": "1012 JS",
        "city": "Amsterdam",
        "country": "nl",
        "language": "nl",
        "vat_number": "NL001234567B01",
    }

    # when
    response = client.post(reverse("marketing:party_create"), data)

    # then
    party = Party.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert (party.name, party.country, party.city, party.language, party.created_by) == (
        "Acme BV",
        "NL",
        "Amsterdam",
        "nl",
        clerk,
    )


def test_party_create_puts_the_service_refusal_on_the_country_field(client, clerk):
    # given
    client.force_login(clerk)

    # when: a one-letter country passes the form but not the service
    response = client.post(
        reverse("marketing:party_create"), {"name": "Acme BV", "kind": "organization", "country": "N", "language": "en"}
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"country": ["Use a two-letter ISO country code, e.g. NL."]}
    assert not Party.objects.exists()


def test_party_update_changes_the_party_and_refuses_a_bad_country(client, clerk):
    # given
    party = PartyFactory(name="Acme BV", city="Amsterdam", country="NL")
    client.force_login(clerk)
    url = reverse("marketing:party_update", args=[party.pk])
    data = {"name": "Acme Holding BV", "kind": "organization", "city": "Rotterdam", "country": "NL", "language": "en"}

    # when
    response = client.post(url, data)

    # then
    party.refresh_from_db()
    assert response["Location"] == reverse("marketing:party_detail", args=[party.pk])
    assert (party.name, party.city) == ("Acme Holding BV", "Rotterdam")

    # when: a bad country
    response = client.post(url, {**data, "city": "Utrecht", "country": "X"})

    # then: error on the field, nothing changed, heading keeps the stored name
    party.refresh_from_db()
    assert response.context["form"].errors == {"country": ["Use a two-letter ISO country code, e.g. NL."]}
    assert (party.city, party.country) == ("Rotterdam", "NL")
    assert "Edit Acme Holding BV" in response.content.decode()


def test_party_pages_need_login_and_permission(client, billing):
    # given
    party = PartyFactory()

    # when / then: anonymous users go to the login page
    response = client.get(reverse("marketing:party_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    # when / then: billing clerks may look but not edit
    client.force_login(billing)
    assert client.get(reverse("marketing:party_detail", args=[party.pk])).status_code == 200
    assert client.get(reverse("marketing:party_create")).status_code == 403
    assert client.post(reverse("marketing:party_update", args=[party.pk]), {"name": "X"}).status_code == 403
