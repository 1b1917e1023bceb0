"""The API's doors: unknown and read-only fields are refused by name, problem types follow one scheme, and a
value the database refuses is a 400, never a 500."""

from decimal import Decimal

from django.db import DataError
from rest_framework.test import APIRequestFactory

from core.api.problems import problem_exception_handler
from marketing.models import Party
from salesapp.models import SalesOrder
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

ORDERS = "/api/v1/sales-orders/"


def test_an_order_with_unknown_fields_is_refused_naming_each_and_nothing_is_created(integrator):
    # given
    customer = make_customer()
    item = ItemFactory()

    # when: a misspelt header field, a made-up line field and a read-only field
    response = api_client(integrator).post(
        ORDERS,
        {
            "customer": customer.pk,
            "colour": "blue",
            "state": "confirmed",
            "lines": [{"item": item.pk, "quantity": "1", "discount": "5"}],
        },
        format="json",
    )

    # then
    body = problem(response, 400)
    assert (body["type"], body["code"]) == ("/problems/unknown-field", "unknown-field")
    assert body["errors"] == [
        {"field": "colour", "message": "Unknown field."},
        {"field": "state", "message": "This field is read-only."},
        {"field": "lines[0].discount", "message": "Unknown field."},
    ]
    assert SalesOrder.objects.count() == 0


def test_a_patch_with_an_unknown_field_changes_nothing(integrator):
    # given
    party = PartyFactory(name="Anker", phone="010 123")

    # when
    response = api_client(integrator).patch(
        f"/api/v1/parties/{party.pk}/", {"phone": "010 999", "fax": "010 998"}, format="json"
    )

    # then
    assert problem(response, 400)["errors"] == [{"field": "fax", "message": "Unknown field."}]
    assert Party.objects.get(pk=party.pk).phone == "010 123"


def test_an_action_refuses_fields_it_does_not_take(integrator):
    # given
    order = make_order()

    # when: cancel takes a reason, nothing else; confirm takes nothing
    cancel = api_client(integrator).post(
        f"{ORDERS}{order.pk}/cancel/", {"reason": "Twice", "notify": True}, format="json"
    )
    confirm = api_client(integrator).post(f"{ORDERS}{order.pk}/confirm/", {"force": True}, format="json")

    # then
    assert problem(cancel, 400)["errors"] == [{"field": "notify", "message": "Unknown field."}]
    assert problem(confirm, 400)["errors"] == [{"field": "force", "message": "Unknown field."}]
    assert SalesOrder.objects.get(pk=order.pk).state == "open"


def test_problem_types_are_kebab_case_and_titles_are_filled_in(integrator, clerk):
    # given
    order = make_order()
    anonymous = api_client(None)

    # when
    not_allowed = api_client(integrator).delete(f"{ORDERS}{order.pk}/")
    missing = api_client(integrator).get(f"{ORDERS}999999/")
    no_route = api_client(integrator).get("/api/v1/no-such-thing/")
    unauthenticated = anonymous.get(ORDERS)

    # then
    body = problem(not_allowed, 405)
    assert (body["type"], body["code"], body["title"], body["detail"]) == (
        "/problems/method-not-allowed",
        "method-not-allowed",
        "Method not allowed",
        'Method "DELETE" not allowed.',
    )
    assert (problem(missing, 404)["type"], problem(missing, 404)["title"]) == ("/problems/not-found", "Not found")
    assert problem(no_route, 404)["type"] == "/problems/not-found"
    assert problem(unauthenticated, 401)["type"] == "/problems/not-authenticated"


def test_a_value_the_database_refuses_is_a_400_problem():
    # given: an error validation did not catch reaches the handler
    request = APIRequestFactory().post("/api/v1/sales-orders/")

    # when
    response = problem_exception_handler(DataError("numeric field overflow"), {"request": request})

    # then: no SQL, nothing saved, a client error
    assert (response.status_code, response.data["code"], response.data["type"]) == (
        400,
        "invalid-data",
        "/problems/invalid-data",
    )
    assert "overflow" not in response.data["detail"]


def test_an_unknown_field_in_a_multipart_upload_is_refused_too(integrator):
    # when: the lead import takes a file, nothing else
    response = api_client(integrator).post(
        "/api/v1/leads/import/", {"file": b"company\nAnker\n", "dry": "yes"}, format="multipart"
    )

    # then
    assert problem(response, 400)["errors"] == [{"field": "dry", "message": "Unknown field."}]


def test_a_decimal_too_large_for_its_column_is_refused_naming_the_field(integrator):
    # given
    customer = make_customer()
    item = ItemFactory()

    # when
    response = api_client(integrator).post(
        ORDERS,
        {
            "customer": customer.pk,
            "lines": [{"item": item.pk, "quantity": "1", "unit_price": str(Decimal("99999999999999.9999"))}],
        },
        format="json",
    )

    # then
    body = problem(response, 400)
    assert [error["field"] for error in body["errors"]] == ["lines[0].unit_price"]
    assert SalesOrder.objects.count() == 0
