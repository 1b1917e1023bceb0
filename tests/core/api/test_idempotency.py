"""Idempotency-Key on POST: a retried request does its work once (core.api.idempotency)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from core.api.idempotency import HEADER, IdempotentPost, idempotency_keys_prune
from core.jobs import prune
from core.models import IdempotencyKey, NumberSeries
from invoicing.models import Payment
from salesapp.models import SalesOrder
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer

ORDERS = "/api/v1/sales-orders/"
PAYMENTS = "/api/v1/payments/"


def order_body(customer, item, quantity="2"):
    return {"customer": customer.pk, "lines": [{"item": item.pk, "quantity": quantity}]}


def post(api, url, body, key):
    return api.post(url, body, format="json", **{"HTTP_IDEMPOTENCY_KEY": key})


def test_a_replay_returns_the_first_answer_and_creates_one_order(integrator):
    # given
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    api = api_client(integrator)

    # when: the same request twice with one key
    first = post(api, ORDERS, order_body(customer, item), "order-7f3a")
    second = post(api, ORDERS, order_body(customer, item), "order-7f3a")

    # then: one order, the same status and body, and the replay says it is one
    assert first.status_code == 201, first.content
    assert (second.status_code, second.json()) == (201, first.json())
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert SalesOrder.objects.count() == 1
    stored = IdempotencyKey.objects.get()
    assert (stored.user, stored.method, stored.path, stored.response_status) == (integrator, "POST", ORDERS, 201)


def test_a_replayed_payment_is_registered_once(integrator):
    customer = make_customer()
    api = api_client(integrator)
    body = {"customer": customer.pk, "amount": "50", "method": "card"}

    first = post(api, PAYMENTS, body, "pay-1")
    second = post(api, PAYMENTS, body, "pay-1")

    assert first.status_code == 201, first.content
    assert (second.status_code, second.json(), second["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert Payment.objects.count() == 1


def test_an_action_replay_does_not_run_the_action_twice(integrator):
    # given: an order, confirmed once with a key
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    api = api_client(integrator)
    order = api.post(ORDERS, order_body(customer, item), format="json").json()
    confirmed = post(api, f"{ORDERS}{order['id']}/confirm/", {}, "confirm-1")
    assert confirmed.status_code == 200, confirmed.content

    # when: the confirmation is retried; without the key a second confirm is refused (already confirmed)
    again = post(api, f"{ORDERS}{order['id']}/confirm/", {}, "confirm-1")

    # then: the stored answer, not a refusal
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (200, confirmed.json(), "true")


def test_the_same_key_with_another_body_is_refused_and_nothing_is_created(integrator):
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    api = api_client(integrator)
    assert post(api, ORDERS, order_body(customer, item), "k-1").status_code == 201

    other_body = post(api, ORDERS, order_body(customer, item, quantity="3"), "k-1")
    other_path = post(api, PAYMENTS, {"customer": customer.pk, "amount": "5"}, "k-1")

    for response in (other_body, other_path):
        body = problem(response, 422)
        assert body["code"] == "idempotency-key-reused"
        assert body["errors"] == [{"field": "Idempotency-Key", "message": body["detail"]}]
    assert SalesOrder.objects.count() == 1
    assert Payment.objects.count() == 0


def test_keys_belong_to_their_user(integrator, administrator):
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    assert post(api_client(integrator), ORDERS, order_body(customer, item), "shared").status_code == 201

    other = post(api_client(administrator), ORDERS, order_body(customer, item), "shared")

    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert SalesOrder.objects.count() == 2


def test_an_error_answer_stores_nothing_and_the_retry_does_the_work(integrator):
    # given: a request refused for its input
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    api = api_client(integrator)
    refused = post(api, ORDERS, {"customer": customer.pk, "lines": [{"item": item.pk, "quantity": "-1"}]}, "k-2")
    assert refused.status_code == 400

    # when: retried with the same key and a corrected body
    retried = post(api, ORDERS, order_body(customer, item), "k-2")

    # then: the error left nothing behind, the retry created the order
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    assert SalesOrder.objects.count() == 1
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
def test_a_malformed_key_is_refused_naming_the_header(integrator, key):
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))

    response = post(api_client(integrator), ORDERS, order_body(customer, item), key)

    assert problem(response, 400)["errors"][0]["field"] == "Idempotency-Key"
    assert SalesOrder.objects.count() == 0


def test_a_get_ignores_the_header(integrator):
    response = api_client(integrator).get(ORDERS, **{"HTTP_IDEMPOTENCY_KEY": "k-3"})

    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert IdempotencyKey.objects.count() == 0


def test_keys_expire_after_a_day_and_are_pruned(integrator):
    # given: a key used 25 hours ago
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    api = api_client(integrator)
    assert post(api, ORDERS, order_body(customer, item), "old").status_code == 201
    assert post(api, ORDERS, order_body(customer, item), "recent").status_code == 201
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))

    # when: the expired key is sent again, even with another body
    again = post(api, ORDERS, order_body(customer, item, quantity="5"), "old")

    # then: it is a new request
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert SalesOrder.objects.count() == 3

    # and the daily prune removes what expired, nothing else
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert prune().idempotency_keys == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    assert idempotency_keys_prune() == 0


def test_the_statement_cost_of_a_key(integrator):
    # A key adds three statements to a POST (advisory lock, look-up, insert) and a savepoint pair, since the
    # request runs in its own transaction; a replay runs the authentication, the permissions, the lock and the
    # look-up only, no service.
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    api = api_client(integrator)
    api.post(ORDERS, order_body(customer, item), format="json")  # warm caches (permissions, content types)
    with CaptureQueriesContext(connection) as plain:
        api.post(ORDERS, order_body(customer, item), format="json")
    with CaptureQueriesContext(connection) as keyed:
        post(api, ORDERS, order_body(customer, item), "cost")
    with CaptureQueriesContext(connection) as replay:
        post(api, ORDERS, order_body(customer, item), "cost")

    assert len(keyed) == len(plain) + 5
    sql = [query["sql"] for query in keyed.captured_queries]
    assert sum("pg_try_advisory_xact_lock" in statement for statement in sql) == 1
    # token, permissions, lock, look-up, and the savepoint the replay rolls back to
    assert len(replay) == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_duplicate_sent_while_the_first_runs_is_refused_at_once(integrator):
    # given: the number series locked by another transaction, so the first request waits inside its own
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    token_api = api_client(integrator)
    answers: dict[str, object] = {}

    def first_request():
        try:
            answers["first"] = post(token_api, ORDERS, order_body(customer, item), "race")
        finally:
            connection.close()

    blocker = connections.create_connection("default")
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {NumberSeries._meta.db_table} FOR UPDATE")
        thread = threading.Thread(target=first_request)
        thread.start()
        # wait until the first request holds its key (it then waits on the number series)
        with connections.create_connection("default").cursor() as watcher:
            for _ in range(10_000):
                watcher.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
                if watcher.fetchone()[0]:
                    break
            else:
                pytest.fail("the first request never took its key")
            watcher.connection.close()

        # when: the duplicate arrives while the first still runs
        duplicate = post(api_client(integrator), ORDERS, order_body(customer, item), "race")
    finally:
        blocker.rollback()
        blocker.close()
    thread.join()

    # then: the duplicate was refused without waiting, the first did its work, exactly once
    body = problem(duplicate, 409)
    assert body["code"] == "idempotency-key-in-use"
    assert answers["first"].status_code == 201, answers["first"].content
    assert SalesOrder.objects.count() == 1
    # and a retry after the first committed gets its answer
    retry = post(api_client(integrator), ORDERS, order_body(customer, item), "race")
    assert (retry.status_code, retry["Idempotent-Replayed"]) == (201, "true")
    assert retry.json() == answers["first"].json()
    with transaction.atomic():
        assert IdempotencyKey.objects.count() == 1


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_that_answers_post_takes_the_key():
    # Any API view, present or future, that accepts a POST without the mechanism fails here.
    without = []
    for route, callback in _routes(get_resolver().url_patterns):
        view_class = getattr(callback, "cls", None)
        if view_class is None or not route.startswith("api/"):
            continue
        actions = getattr(callback, "actions", None)
        answers_post = "post" in actions if actions else hasattr(view_class, "post")
        if answers_post and not issubclass(view_class, IdempotentPost):
            without.append(route)
    assert without == []


def test_the_schema_documents_the_header_and_its_refusals(integrator):
    schema = api_client(integrator).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    posts = [(path, operations["post"]) for path, operations in schema["paths"].items() if "post" in operations]
    assert len(posts) > 20
    for path, operation in posts:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == HEADER]
        assert len(headers) == 1 and headers[0]["required"] is False, path
        assert {"409", "422"} <= set(operation["responses"]), path
    gets = [operations["get"] for operations in schema["paths"].values() if "get" in operations]
    assert not any(p["name"] == HEADER for operation in gets for p in operation.get("parameters", []))


def test_the_admin_lists_keys_read_only(integrator, admin_client):
    customer, item = make_customer(), ItemFactory(unit_price=Decimal("10.00"))
    assert post(api_client(integrator), ORDERS, order_body(customer, item), "admin-key").status_code == 201
    stored = IdempotencyKey.objects.get()

    listing = admin_client.get("/admin/core/idempotencykey/")
    shown = admin_client.get(f"/admin/core/idempotencykey/{stored.pk}/change/")

    assert listing.status_code == 200 and "admin-key" in listing.content.decode()
    assert shown.status_code == 200 and 'name="_save"' not in shown.content.decode()
    assert admin_client.get("/admin/core/idempotencykey/add/").status_code == 403
