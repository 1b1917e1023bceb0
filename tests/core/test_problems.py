"""The API's one exception handler: every error as RFC 9457 problem+json."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from core.api.problems import PROBLEM_CONTENT_TYPE, problem_exception_handler
from core.errors import ActionForbidden, DomainError, TransitionRefused, ValidationFailed

PATH = "/api/v1/sales-orders/7/cancel/"


def handle(exc):
    request = APIRequestFactory().post(PATH)
    return problem_exception_handler(exc, {"request": request, "view": None})


def test_transition_refused_is_409_with_the_reason():
    # when
    response = handle(TransitionRefused(code="order-not-cancelable", reason="3 units already shipped."))

    # then
    assert response.status_code == 409
    assert response.content_type == PROBLEM_CONTENT_TYPE
    assert response.data == {
        "type": "/problems/order-not-cancelable",
        "title": "Transition refused",
        "status": 409,
        "detail": "3 units already shipped.",
        "code": "order-not-cancelable",
        "instance": PATH,
    }


def test_validation_failed_lists_every_field():
    # when
    response = handle(
        ValidationFailed(field_errors={"lines[0].quantity": "Must be positive.", "customer": "Customer is blocked."})
    )

    # then
    assert response.status_code == 400
    assert response.data["title"] == "Validation failed"
    assert response.data["detail"] == "lines[0].quantity: Must be positive.; customer: Customer is blocked."
    assert response.data["errors"] == [
        {"field": "lines[0].quantity", "message": "Must be positive."},
        {"field": "customer", "message": "Customer is blocked."},
    ]


def test_action_forbidden_and_plain_domain_errors():
    # when
    forbidden = handle(ActionForbidden(code="permission-denied", reason="You are not allowed to post invoices."))
    setup = handle(DomainError(code="posting-setup-missing", reason="No receivable account.", field="account"))

    # then
    assert (forbidden.status_code, forbidden.data["title"], forbidden.data["detail"]) == (
        403,
        "Action forbidden",
        "You are not allowed to post invoices.",
    )
    assert "errors" not in forbidden.data
    assert (setup.status_code, setup.data["title"]) == (400, "Domain error")
    assert setup.data["errors"] == [{"field": "account", "message": "No receivable account."}]


def test_nested_serializer_errors_are_flattened_to_paths():
    # given: what DRF reports for a bad second line and a missing customer
    exc = exceptions.ValidationError(
        {
            "customer": ["This field is required."],
            "lines": [{}, {"quantity": ["A valid number is required."], "non_field_errors": ["Bad line."]}],
            "non_field_errors": ["Order is empty."],
        }
    )

    # when
    response = handle(exc)

    # then
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["errors"] == [
        {"field": "customer", "message": "This field is required."},
        {"field": "lines[1].quantity", "message": "A valid number is required."},
        {"field": "lines[1]", "message": "Bad line."},
        {"field": None, "message": "Order is empty."},
    ]
    assert response.data["detail"] == (
        "customer: This field is required.; lines[1].quantity: A valid number is required.; "
        "lines[1]: Bad line.; Order is empty."
    )


def test_django_validation_error_names_fields():
    # when
    response = handle(DjangoValidationError({"number": ["Item with this Number already exists."]}))

    # then
    assert response.status_code == 400
    assert response.data["errors"] == [{"field": "number", "message": "Item with this Number already exists."}]


def test_not_found_permission_and_authentication():
    # given
    not_authenticated = exceptions.NotAuthenticated()
    not_authenticated.auth_header = "Token"

    # when
    missing = handle(Http404())
    denied = handle(PermissionDenied())
    anonymous = handle(not_authenticated)

    # then
    assert (missing.status_code, missing.data["code"], missing.data["detail"]) == (404, "not-found", "Not found.")
    assert (denied.status_code, denied.data["code"]) == (403, "permission-denied")
    assert (anonymous.status_code, anonymous.data["code"]) == (401, "not-authenticated")
    assert anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.content_type == PROBLEM_CONTENT_TYPE


def test_method_not_allowed_keeps_its_status():
    # when
    response = handle(exceptions.MethodNotAllowed("PUT"))

    # then
    assert (response.status_code, response.data["code"], response.data["detail"]) == (
        405,
        "method-not-allowed",
        'Method "PUT" not allowed.',
    )


def test_unexpected_errors_are_left_to_django():
    # when
    response = handle(RuntimeError("boom"))

    # then: a 500 from Django, not a disguised problem
    assert response is None


def test_unknown_api_url_is_a_problem_too(client):
    # given / when: a URL no route matches
    response = client.get("/api/v1/no-such-resource/")
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not-found"
    assert client.get("/no-such-page/").status_code == 404
