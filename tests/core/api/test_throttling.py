"""API throttling per user, counted in the database that every web process shares."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from core.api.throttling import parse_rate
from core.models import RateCounter
from tests.core.api.helpers import api_client, problem

URL = "/api/v1/customers/"
DEFAULT_RATE = "180/minute"  # config/settings/base.py


@override_settings(SALESFLOW_API_THROTTLE_RATE=DEFAULT_RATE)
def test_two_hundred_rapid_calls_are_throttled_with_retry_after(integrator, clerk):
    # given
    api = api_client(integrator)
    # the calls must fall in one window: start in a fresh one when this one is nearly over
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left)

    # when
    statuses = [api.get(URL).status_code for _ in range(200)]
    refused = api.get(URL)

    # then: 180 answered, the rest refused until the minute is over
    assert statuses == [200] * 180 + [429] * 20
    body = problem(refused, 429)
    assert body["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert RateCounter.objects.get(key=f"user:{integrator.pk}").hits == 201
    # another user's counter is their own
    assert api_client(clerk).get(URL).status_code == 200


@override_settings(SALESFLOW_API_THROTTLE_RATE="5/minute")
def test_the_count_is_the_one_in_the_database_whichever_process_counted(integrator):
    # given: another web process has already answered five requests of this user in the current window
    window = int(time.time() // 60) * 60
    RateCounter.objects.create(key=f"user:{integrator.pk}", window_start=window, hits=5)

    # when
    response = api_client(integrator).get(URL)

    # then
    problem(response, 429)


@override_settings(SALESFLOW_API_THROTTLE_RATE="5/minute")
def test_a_new_window_starts_the_count_again(integrator):
    # given: the limit reached in an earlier window
    window = int(time.time() // 60) * 60
    RateCounter.objects.create(key=f"user:{integrator.pk}", window_start=window - 60, hits=500)

    # when
    response = api_client(integrator).get(URL)

    # then
    assert response.status_code == 200
    assert RateCounter.objects.get(key=f"user:{integrator.pk}").hits == 1


def test_a_token_request_is_counted_in_its_token_look_up(integrator):
    # given
    api = api_client(integrator)
    api.get(URL)  # warm up (permissions)

    # when
    with override_settings(SALESFLOW_API_THROTTLE_RATE=""), CaptureQueriesContext(connection) as off:
        assert api.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as on:
        assert api.get(URL).status_code == 200

    # then: the same number of statements; the token's is the one that counts
    assert len(on.captured_queries) == len(off.captured_queries)
    counting = [query["sql"] for query in on.captured_queries if "ratecounter" in query["sql"]]
    assert len(counting) == 1
    assert "authtoken_token" in counting[0]
    assert RateCounter.objects.get(key=f"user:{integrator.pk}").hits == 2


def test_a_session_request_costs_one_statement_to_count(client, clerk):
    # given
    client.force_login(clerk)
    client.get(URL)  # warm up (session, permissions)

    # when
    with override_settings(SALESFLOW_API_THROTTLE_RATE=""), CaptureQueriesContext(connection) as off:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as on:
        assert client.get(URL).status_code == 200

    # then
    assert len(on.captured_queries) == len(off.captured_queries) + 1
    assert RateCounter.objects.get(key=f"user:{clerk.pk}").hits == 2


def test_a_wrong_token_is_refused_as_before(integrator):
    response = APIClient().get(URL, HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert problem(response, 401)["detail"] == "Invalid token."
    assert not RateCounter.objects.exists()


def test_an_unauthenticated_request_is_not_counted(db):
    with override_settings(SALESFLOW_API_THROTTLE_RATE="1/minute"):
        statuses = [api_client().get(URL).status_code for _ in range(3)]

    assert statuses == [401] * 3
    assert not RateCounter.objects.exists()


def test_a_rate_is_a_count_per_period():
    assert parse_rate("180/minute") == (180, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("5000/day") == (5000, 86400)


def test_the_schema_says_every_operation_may_answer_429_and_503(integrator):
    # when
    schema = api_client(integrator).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    # then
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, method in (("/api/v1/sales-orders/", "get"), ("/api/v1/sales-orders/{id}/confirm/", "post")):
        responses = schema["paths"][path][method]["responses"]
        assert responses["429"]["content"] == problem_ref
        assert responses["503"]["content"] == problem_ref
        assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert {"throttled", "service-unavailable"} <= set(
        schema["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    )
