from salesapp.models import Customer
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

URL = "/api/v1/customers/"


def test_create_customer_on_a_party(integrator):
    # given
    party = PartyFactory(name="Fabrikam")

    # when
    response = api_client(integrator).post(
        URL,
        {
            "party": party.pk,
            "currency": "SEK",
            "payment_terms_days": 14,
            "credit_limit": "5000",
            "invoice_monthly": True,
        },
        format="json",
    )

    # then: numbered by the series, amounts as strings
    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    body = response.json()
    del body["created_at"], body["updated_at"]
    assert body == {
        "id": customer.pk,
        "number": "C00001",
        "party": party.pk,
        "name": "Fabrikam",
        "currency": "SEK",
        "payment_terms_days": 14,
        "credit_limit": "5000.00",
        "approval_threshold": None,
        "prepayment_required": False,
        "blocked": False,
        "blocked_reason": "",
        "invoice_monthly": True,
        "version": 1,
    }
    assert customer.created_by == integrator


def test_a_party_gets_one_customer_account(integrator):
    # given
    customer = make_customer(party=PartyFactory(name="Fabrikam"))

    # when
    response = api_client(integrator).post(URL, {"party": customer.party_id}, format="json")

    # then
    body = problem(response, 400)
    assert body["code"] == "customer-exists"
    assert body["errors"] == [{"field": "party", "message": "Fabrikam already has a customer account."}]
    assert Customer.objects.count() == 1


def test_create_customer_for_unknown_party(integrator):
    # when
    response = api_client(integrator).post(URL, {"party": 999999}, format="json")

    # then
    body = problem(response, 400)
    assert body["errors"] == [{"field": "party", "message": 'Invalid pk "999999" - object does not exist.'}]


def test_block_customer_needs_a_reason(integrator):
    # given
    customer = make_customer()
    api = api_client(integrator)

    # when
    refused = api.patch(f"{URL}{customer.pk}/", {"blocked": True}, format="json")
    blocked = api.patch(f"{URL}{customer.pk}/", {"blocked": True, "blocked_reason": "Unpaid since May"}, format="json")

    # then
    body = problem(refused, 400)
    assert body["errors"] == [{"field": "blocked_reason", "message": "Say why the customer is blocked."}]
    assert blocked.status_code == 200, blocked.content
    assert (blocked.json()["blocked"], blocked.json()["blocked_reason"]) == (True, "Unpaid since May")


def test_party_of_a_customer_cannot_be_changed(integrator):
    # given
    customer = make_customer()
    other = PartyFactory()

    # when: the field is not part of the update
    response = api_client(integrator).patch(f"{URL}{customer.pk}/", {"party": other.pk}, format="json")

    # then: refused, naming the field, rather than silently ignored
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["errors"]) == (
        "unknown-field",
        [{"field": "party", "message": "This field is read-only."}],
    )
    customer.refresh_from_db()
    assert customer.party_id != other.pk


def test_list_filters(integrator):
    # given
    first = make_customer(party=PartyFactory(name="Alpha"))
    make_customer(party=PartyFactory(name="Bravo"), currency="SEK")
    make_customer(party=PartyFactory(name="Charlie"), blocked=True, blocked_reason="Fraud")
    api = api_client(integrator)

    def names(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    # then
    assert names({}) == ["Charlie", "Bravo", "Alpha"]
    assert names({"blocked": "true"}) == ["Charlie"]
    assert names({"blocked": "false", "currency": "EUR"}) == ["Alpha"]
    assert names({"number": first.number.lower()}) == ["Alpha"]
    assert names({"search": "brav"}) == ["Bravo"]


def test_retrieve_and_404(integrator):
    # given
    customer = make_customer(party=PartyFactory(name="Alpha"))
    api = api_client(integrator)

    # when
    found = api.get(f"{URL}{customer.pk}/")
    missing = api.get(f"{URL}999999/")

    # then
    assert (found.json()["number"], found.json()["name"]) == ("C00001", "Alpha")
    assert problem(missing, 404)["detail"] == "Not found."


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given
    api = api_client(integrator)
    for _ in range(3):
        make_customer()

    # then
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    for _ in range(27):
        make_customer()

    # then
    with django_assert_max_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 30


def test_billing_clerk_cannot_create_customers(billing):
    # given
    party = PartyFactory()

    # when
    response = api_client(billing).post(URL, {"party": party.pk}, format="json")

    # then
    assert problem(response, 403)["code"] == "permission-denied"
    assert Customer.objects.count() == 0
