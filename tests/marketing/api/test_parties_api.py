from marketing.models import Party
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
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

    # then: the service trimmed the name and upper-cased the country
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
        "language": "en",
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


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given
    api = api_client(integrator)
    for index in range(3):
        make_customer(party=PartyFactory(name=f"Party {index}"))

    # then: token, permissions, one page of parties with their accounts
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 3

    # when: ten times the rows
    for index in range(27):
        make_customer(party=PartyFactory(name=f"More {index}"))

    # then: the same number of queries
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 30


def test_without_token_is_401(db):
    # when
    response = api_client().get(URL)

    # then
    body = problem(response, 401)
    assert body["code"] == "not_authenticated"
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
    assert body["code"] == "authentication_failed"
    assert body["detail"] == "Invalid token."


def test_role_without_add_permission_is_403(billing):
    # when: billing clerks may read parties but not create them
    listed = api_client(billing).get(URL)
    response = api_client(billing).post(URL, {"name": "Fabrikam"}, format="json")

    # then
    assert listed.status_code == 200
    body = problem(response, 403)
    assert body["code"] == "permission_denied"
    assert body["detail"] == "You do not have permission to perform this action."
    assert Party.objects.count() == 0


def test_unknown_party_is_404(integrator):
    # when
    response = api_client(integrator).get(f"{URL}999999/")

    # then
    body = problem(response, 404)
    assert body["code"] == "not_found"
    assert body["instance"] == "/api/v1/parties/999999/"
