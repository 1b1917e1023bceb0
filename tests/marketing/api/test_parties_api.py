import datetime

from django.utils import timezone

from marketing.models import Party
from marketing.services.parties import address_create, contact_create
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import ActivityFactory, LeadFactory, OpportunityFactory, PartyFactory, TagFactory
from tests.factories.salesapp import make_customer

URL = "/api/v1/parties/"


def test_create_party(integrator):
    # given
    api = api_client(integrator)

    # when
    response = api.post(
        URL,
        {"name": "  Fabrikam B.V. ", "email": "buy@fabrikam.example", "city": "Utrecht", "country": "nl"},
        format="json",
    )

    # then: the service trimmed the name, upper-cased the country and took its language
    assert response.status_code == 201, response.content
    party = Party.objects.get()
    body = response.json()
    assert body["id"] == party.pk
    assert {k: body[k] for k in ("kind", "name", "email", "city", "country", "language", "customer")} == {
        "kind": "organization",
        "name": "Fabrikam B.V.",
        "email": "buy@fabrikam.example",
        "city": "Utrecht",
        "country": "NL",
        "language": "nl",
        "customer": None,
    }
    assert party.created_by == integrator


def test_create_party_without_name_names_the_field(integrator):
    # when
    response = api_client(integrator).post(URL, {"city": "Utrecht"}, format="json")

    # then
    body = problem(response, 400)
    assert body["code"] == "invalid"
    assert body["errors"] == [{"field": "name", "message": "This field is required."}]
    assert Party.objects.count() == 0


def test_create_party_with_bad_country_shows_the_service_reason(integrator):
    # when
    response = api_client(integrator).post(URL, {"name": "Fabrikam", "country": "NLD"}, format="json")

    # then
    body = problem(response, 400)
    assert body["errors"] == [{"field": "country", "message": "Use a two-letter ISO country code, e.g. NL."}]
    assert body["detail"] == "country: Use a two-letter ISO country code, e.g. NL."
    assert Party.objects.count() == 0


def test_create_party_without_a_language_takes_the_countrys(integrator):
    # when
    response = api_client(integrator).post(URL, {"name": "Ström Kontor AB", "country": "SE"}, format="json")

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["country"], response.json()["language"]) == ("SE", "sv")
    assert Party.objects.get().language == "sv"


def test_create_party_with_a_language_keeps_it(integrator):
    # when
    response = api_client(integrator).post(
        URL, {"name": "Ström Kontor AB", "country": "SE", "language": "en"}, format="json"
    )

    # then
    assert response.status_code == 201, response.content
    assert response.json()["language"] == "en"


def test_create_party_with_an_unknown_country_names_the_field(integrator):
    # given
    PartyFactory(name="Existing", country="NL")
    before = list(Party.objects.values_list("pk", "name", "country"))

    # when
    response = api_client(integrator).post(URL, {"name": "Fabrikam", "country": "XX"}, format="json")

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "country", "message": "XX is not an ISO 3166 country code; use e.g. NL, BE or SE."}
    ]
    assert body["detail"] == "country: XX is not an ISO 3166 country code; use e.g. NL, BE or SE."
    assert list(Party.objects.values_list("pk", "name", "country")) == before


def test_retrieve_party_shows_its_customer_account(integrator):
    # given
    customer = make_customer(party=PartyFactory(name="Contoso", city="Delft"))

    # when
    response = api_client(integrator).get(f"{URL}{customer.party_id}/")

    # then
    assert response.status_code == 200
    assert response.json()["name"] == "Contoso"
    assert response.json()["customer"] == customer.pk


def test_partial_update_party(integrator):
    # given
    party = PartyFactory(name="Contoso", city="Delft")

    # when
    response = api_client(integrator).patch(f"{URL}{party.pk}/", {"city": "Leiden"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["city"]) == ("Contoso", "Leiden")
    party.refresh_from_db()
    assert party.city == "Leiden"


def test_partial_update_refuses_blank_name(integrator):
    # given
    party = PartyFactory(name="Contoso")

    # when
    response = api_client(integrator).patch(f"{URL}{party.pk}/", {"name": "  "}, format="json")

    # then: nothing changed
    body = problem(response, 400)
    assert body["errors"] == [{"field": "name", "message": "This field may not be blank."}]
    party.refresh_from_db()
    assert party.name == "Contoso"


def test_list_filters_and_search(integrator):
    # given
    PartyFactory(name="Alpha", kind="organization", country="NL", city="Delft")
    PartyFactory(name="Bravo", kind="person", country="SE", city="Malmö")
    PartyFactory(name="Charlie", kind="organization", country="SE", city="Lund", email="c@lund.example")
    api = api_client(integrator)

    def names(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    # then: newest first
    assert names({}) == ["Charlie", "Bravo", "Alpha"]
    assert names({"kind": "organization"}) == ["Charlie", "Alpha"]
    assert names({"country": "se"}) == ["Charlie", "Bravo"]
    assert names({"search": "lund"}) == ["Charlie"]
    assert names({"search": "delft"}) == ["Alpha"]
    assert names({"ordering": "id"}) == ["Alpha", "Bravo", "Charlie"]


def party_with_details(name: str, clerk) -> None:
    party = make_customer(party=PartyFactory(name=name)).party
    contact_create(party=party, by=clerk, name=f"{name} buyer")
    address_create(party=party, by=clerk, purpose="invoice", street="Dam 1", city="Amsterdam", country="NL")
    party.tags.add(TagFactory(name=f"{name} tag"))


def test_list_query_count_is_constant(integrator, clerk, django_assert_max_num_queries):
    # given
    api = api_client(integrator)
    for index in range(3):
        party_with_details(f"Party {index}", clerk)
    api.get(URL)  # the content types the tags are read by are cached from then on (a test before may clear them)

    # then: token, permissions, one page of parties with their accounts and stage, their tags, contacts, addresses
    with django_assert_max_num_queries(7) as few:
        assert len(api.get(URL).json()["results"]) == 3

    # when: ten times the rows
    for index in range(27):
        party_with_details(f"More {index}", clerk)

    # then: the same number of queries
    with django_assert_max_num_queries(7) as many:
        assert len(api.get(URL).json()["results"]) == 30
    assert len(many) == len(few)


def test_without_token_is_401(db):
    # when
    response = api_client().get(URL)

    # then
    body = problem(response, 401)
    assert body["code"] == "not-authenticated"
    assert body["detail"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"] == "Token"


def test_invalid_token_is_401(db):
    # given
    api = api_client()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    # when
    response = api.get(URL)

    # then
    body = problem(response, 401)
    assert body["code"] == "authentication-failed"
    assert body["detail"] == "Invalid token."


def test_role_without_add_permission_is_403(billing):
    # when: billing clerks may read parties but not create them
    listed = api_client(billing).get(URL)
    response = api_client(billing).post(URL, {"name": "Fabrikam"}, format="json")

    # then
    assert listed.status_code == 200
    body = problem(response, 403)
    assert body["code"] == "permission-denied"
    assert body["detail"] == "You do not have permission to perform this action."
    assert Party.objects.count() == 0


def test_unknown_party_is_404(integrator):
    # when
    response = api_client(integrator).get(f"{URL}999999/")

    # then
    body = problem(response, 404)
    assert body["code"] == "not-found"
    assert body["instance"] == "/api/v1/parties/999999/"


def test_create_party_with_contacts_addresses_and_tags(integrator):
    # when
    response = api_client(integrator).post(
        URL,
        {
            "name": "Lindqvist Kontor AB",
            "country": "SE",
            "tags": ["VIP", "Retail"],
            "contacts": [{"name": "Anna Lindqvist", "job_title": "CEO", "email": "anna@lindqvist.example"}],
            "addresses": [{"purpose": "delivery", "street": "Hamngatan 3", "city": "Malmö", "country": "se"}],
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    party = Party.objects.get()
    contact, address = party.contacts.get(), party.addresses.get()
    assert (body["stage"], body["tags"]) == ("prospect", ["Retail", "VIP"])
    assert body["contacts"] == [
        {
            "id": contact.pk,
            "name": "Anna Lindqvist",
            "job_title": "CEO",
            "email": "anna@lindqvist.example",
            "phone": "",
            "is_primary": True,
            "created_at": body["contacts"][0]["created_at"],
            "updated_at": body["contacts"][0]["updated_at"],
            "version": 1,
        }
    ]
    assert {k: v for k, v in body["addresses"][0].items() if k not in ("created_at", "updated_at")} == {
        "id": address.pk,
        "purpose": "delivery",
        "name": "",
        "street": "Hamngatan 3",
        "postcode": "",
        "city": "Malmö",
        "country": "SE",
        "is_default": True,
        "version": 1,
    }


def test_create_party_names_the_bad_nested_field_and_saves_nothing(integrator):
    # when
    response = api_client(integrator).post(
        URL,
        {
            "name": "Acme",
            "contacts": [{"name": "Ann"}],
            "addresses": [{"purpose": "invoice", "street": "Dam 1", "city": "Amsterdam", "country": "NLD"}],
        },
        format="json",
    )

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "addresses[0].country", "message": "Use a two-letter ISO country code, e.g. NL."}
    ]
    assert Party.objects.count() == 0


def test_create_duplicate_party_is_refused_naming_the_duplicates_unless_allowed(integrator):
    # given
    existing = PartyFactory(name="Fabrikam B.V.", email="buy@fabrikam.example")
    api = api_client(integrator)

    # when
    refused = api.post(URL, {"name": "Fabrikam", "email": "BUY@fabrikam.example"}, format="json")

    # then
    body = problem(refused, 400)
    assert body["code"] == "party-duplicate"
    assert body["detail"] == (
        f"This party may exist already: Fabrikam B.V. ({existing.pk}). "
        "Check, or confirm that it is a different party to create it anyway."
    )
    assert body["errors"] == [{"field": "email", "message": "Fabrikam B.V. has the same email."}]
    assert Party.objects.count() == 1

    # when
    allowed = api.post(
        URL, {"name": "Fabrikam", "email": "buy@fabrikam.example", "allow_duplicate": True}, format="json"
    )

    # then
    assert allowed.status_code == 201, allowed.content
    assert Party.objects.count() == 2


def test_partial_update_replaces_the_tags(integrator):
    # given
    party = PartyFactory(name="Contoso")
    party.tags.add(TagFactory(name="old"))

    # when
    response = api_client(integrator).patch(f"{URL}{party.pk}/", {"tags": ["VIP", "vip", "Export"]}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["Export", "VIP"]
    assert sorted(party.tags.values_list("name", flat=True)) == ["Export", "VIP"]


def test_list_filters_stage_tag_city_language_updated_since_and_searches_contacts(integrator, clerk):
    # given
    alpha = PartyFactory(name="Alpha", city="Delft", language="nl")
    alpha.tags.add(TagFactory(name="VIP"))
    contact_create(party=alpha, by=clerk, name="Johanna Visser")
    contact_create(party=alpha, by=clerk, name="Johan Visser")
    bravo = PartyFactory(name="Bravo", city="Malmö", language="sv")
    OpportunityFactory(party=bravo)
    charlie = make_customer(party=PartyFactory(name="Charlie", city="delft")).party
    LeadFactory(party=charlie)
    Party.objects.filter(pk=alpha.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    api = api_client(integrator)

    def names(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    # then
    assert names({"stage": "opportunity"}) == ["Bravo"]
    assert names({"stage": "customer"}) == ["Charlie"]
    assert names({"stage": "prospect"}) == ["Alpha"]
    assert names({"tag": "vip"}) == ["Alpha"]
    assert names({"city": "DELFT"}) == ["Charlie", "Alpha"]
    assert names({"language": "sv"}) == ["Bravo"]
    assert names({"search": "visser"}) == ["Alpha"]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert names({"updated_since": since}) == ["Charlie", "Bravo"]
    assert problem(api.get(URL, {"stage": "friend"}), 400)["errors"][0]["field"] == "stage"


def test_add_contact_and_address(integrator):
    # given
    party = PartyFactory()
    api = api_client(integrator)

    # when
    contact = api.post(f"{URL}{party.pk}/contacts/", {"name": "Ann", "phone": "+31 6 1"}, format="json")
    address = api.post(
        f"{URL}{party.pk}/addresses/",
        {"purpose": "visit", "street": "Dam 1", "city": "Amsterdam", "country": "nl"},
        format="json",
    )

    # then
    assert contact.status_code == 201, contact.content
    assert (contact.json()["name"], contact.json()["is_primary"]) == ("Ann", True)
    assert address.status_code == 201, address.content
    assert (address.json()["purpose"], address.json()["country"], address.json()["is_default"]) == ("visit", "NL", True)
    assert party.contacts.count() == 1 and party.addresses.count() == 1


def test_add_contact_refusal_names_the_field(integrator):
    # given
    party = PartyFactory()

    # when
    response = api_client(integrator).post(
        f"{URL}{party.pk}/contacts/", {"name": "Ann", "email": "no-email"}, format="json"
    )

    # then
    body = problem(response, 400)
    assert body["errors"] == [{"field": "email", "message": "Enter a valid email address."}]
    assert not party.contacts.exists()


def test_merge_moves_the_other_party_into_this_one(integrator, clerk):
    # given
    keep = PartyFactory(name="Contoso")
    remove = PartyFactory(name="Contoso Ltd")
    contact_create(party=remove, by=clerk, name="Ann")
    LeadFactory(party=remove)

    # when
    response = api_client(integrator).post(f"{URL}{keep.pk}/merge/", {"remove": remove.pk}, format="json")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["stage"], [c["name"] for c in body["contacts"]]) == (keep.pk, "lead", ["Ann"])
    assert not Party.objects.filter(pk=remove.pk).exists()


def test_merge_of_two_customers_is_a_problem_and_changes_nothing(integrator):
    # given
    keep = make_customer(party=PartyFactory(name="Contoso")).party
    remove = make_customer(party=PartyFactory(name="Contoso Ltd")).party

    # when
    response = api_client(integrator).post(f"{URL}{keep.pk}/merge/", {"remove": remove.pk}, format="json")

    # then
    body = problem(response, 400)
    assert body["code"] == "party-merge-refused"
    assert body["errors"][0]["field"] == "remove"
    assert body["detail"].startswith("Contoso and Contoso Ltd each have their own customer: C00001 and C00002.")
    assert Party.objects.count() == 2


def test_merge_needs_the_right_to_delete_parties(billing):
    # given
    keep, remove = PartyFactory(), PartyFactory()

    # when
    response = api_client(billing).post(f"{URL}{keep.pk}/merge/", {"remove": remove.pk}, format="json")

    # then
    problem(response, 403)
    assert Party.objects.count() == 2


def test_timeline_pages_newest_first(integrator, clerk, django_assert_max_num_queries):
    # given
    party = PartyFactory(name="Contoso")
    for index in range(25):
        ActivityFactory(party=party, owner=clerk, subject=f"Call {index:02d}")
    api = api_client(integrator)

    # when: one query per timeline source (activities, leads, opportunities, orders, quotations, invoices …)
    with django_assert_max_num_queries(13):
        first = api.get(f"{URL}{party.pk}/timeline/")
    second = api.get(f"{URL}{party.pk}/timeline/", {"page": 2})

    # then
    assert first.status_code == 200, first.content
    assert (first.json()["page"], first.json()["has_next"], len(first.json()["results"])) == (1, True, 20)
    assert first.json()["results"][0]["title"] == "Call 24"
    assert {k: v for k, v in first.json()["results"][0].items() if k != "at"} == {
        "kind": "activity",
        "kind_label": "Call",
        "title": "Call 24",
        "detail": first.json()["results"][0]["detail"],
        "url": first.json()["results"][0]["url"],
        "state": "Open",
    }
    assert [row["title"] for row in second.json()["results"]] == [
        "Call 04",
        "Call 03",
        "Call 02",
        "Call 01",
        "Call 00",
        "Contoso recorded",
    ]
    assert second.json()["has_next"] is False


def test_duplicates_lookup(integrator):
    # given
    by_email = PartyFactory(name="Fabrikam B.V.", email="buy@fabrikam.example", postcode="9999 ZZ")
    by_name = PartyFactory(name="Contoso", email="info@contoso.example", postcode="1011 AB")
    PartyFactory(name="Other", email="x@other.example")

    # when
    response = api_client(integrator).get(
        f"{URL}duplicates/", {"email": "BUY@fabrikam.example", "name": "contoso", "postcode": "1011ab"}
    )

    # then
    assert response.status_code == 200, response.content
    assert [(row["id"], row["stage"]) for row in response.json()] == [
        (by_name.pk, "prospect"),
        (by_email.pk, "prospect"),
    ]
