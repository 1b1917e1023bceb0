"""ETag, If-Match and If-None-Match on the API (core/api/preconditions.py, core/concurrency.py)."""

import threading

import pytest
from django.db import connection

from salesapp.models import SalesOrder
from salesapp.services.orders import order_update
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import make_order

URL = "/api/v1/sales-orders/"


def order_url(order) -> str:
    return f"{URL}{order.pk}/"


def test_a_read_carries_the_version_as_etag_and_in_the_body(integrator):
    # given
    order = make_order(by=integrator)

    # when
    response = api_client(integrator).get(order_url(order))

    # then
    assert response.status_code == 200
    assert response["ETag"] == f'"{order.version}"'
    assert response.json()["version"] == order.version == 1


def test_if_none_match_with_the_current_tag_is_not_modified(integrator):
    # given
    order = make_order(by=integrator)
    client = api_client(integrator)
    etag = client.get(order_url(order))["ETag"]

    # when
    unchanged = client.get(order_url(order), HTTP_IF_NONE_MATCH=etag)
    order_update(order=order, by=integrator, customer_reference="PO-2")
    changed = client.get(order_url(order), HTTP_IF_NONE_MATCH=etag)

    # then
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_patch_with_the_current_etag_changes_and_answers_the_next_one(integrator):
    # given
    order = make_order(by=integrator)
    client = api_client(integrator)
    etag = client.get(order_url(order))["ETag"]

    # when
    response = client.patch(order_url(order), {"customer_reference": "PO-9"}, format="json", HTTP_IF_MATCH=etag)

    # then
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.customer_reference == "PO-9"
    assert response["ETag"] == f'"{order.version}"' != etag
    assert response.json()["version"] == order.version


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(integrator):
    # given: someone else changed the order after the client read it
    order = make_order(by=integrator)
    client = api_client(integrator)
    etag = client.get(order_url(order))["ETag"]
    order_update(order=order, by=integrator, customer_reference="theirs")
    order.refresh_from_db()
    before = (order.customer_reference, order.version, order.updated_at)

    # when
    response = client.patch(order_url(order), {"customer_reference": "mine"}, format="json", HTTP_IF_MATCH=etag)

    # then
    body = problem(response, 412)
    assert body["code"] == "version-mismatch"
    assert "changed by someone else" in body["detail"]
    order.refresh_from_db()
    assert (order.customer_reference, order.version, order.updated_at) == before


def test_an_action_with_a_stale_etag_is_412_and_the_order_stays_open(integrator):
    # given
    order = make_order(by=integrator)
    client = api_client(integrator)
    etag = client.get(order_url(order))["ETag"]
    order_update(order=order, by=integrator, customer_reference="theirs")

    # when
    response = client.post(f"{order_url(order)}confirm/", HTTP_IF_MATCH=etag)

    # then
    assert problem(response, 412)["code"] == "version-mismatch"
    order.refresh_from_db()
    assert order.state == "open"
    assert order.confirmed_at is None


def test_an_action_with_the_current_etag_runs_and_the_transition_moves_the_version(integrator):
    # given
    order = make_order(by=integrator)
    client = api_client(integrator)
    etag = client.get(order_url(order))["ETag"]

    # when
    response = client.post(f"{order_url(order)}confirm/", HTTP_IF_MATCH=etag)

    # then: the transition's UPDATE moved the version on (the ETag answered is the stored one)
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.state == "confirmed"
    assert order.version > 1
    assert response["ETag"] == f'"{order.version}"'


@pytest.mark.parametrize("header", ["*", None])
def test_if_match_star_or_none_lets_the_change_through(integrator, header):
    # given: the client's copy is out of date, but it does not ask for a version
    order = make_order(by=integrator)
    order_update(order=order, by=integrator, customer_reference="theirs")
    extra = {"HTTP_IF_MATCH": header} if header else {}

    # when
    response = api_client(integrator).patch(order_url(order), {"customer_reference": "mine"}, format="json", **extra)

    # then
    assert response.status_code == 200, response.content
    assert SalesOrder.objects.get(pk=order.pk).customer_reference == "mine"


@pytest.mark.parametrize("header", ["3", '"three"', '"1", "2"'])
def test_a_malformed_if_match_is_400_naming_the_header(integrator, header):
    # given
    order = make_order(by=integrator)

    # when
    response = api_client(integrator).patch(
        order_url(order), {"customer_reference": "x"}, format="json", HTTP_IF_MATCH=header
    )

    # then
    body = problem(response, 400)
    assert body["errors"][0]["field"] == "If-Match"
    assert SalesOrder.objects.get(pk=order.pk).customer_reference == ""


def _race(order, integrator, headers) -> list[int]:
    """Two clients PATCH the same order at the same moment; the status codes they got, in any order."""
    clients = [api_client(integrator), api_client(integrator)]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def patch(client, reference):
        barrier.wait()
        try:
            response = client.patch(order_url(order), {"customer_reference": reference}, format="json", **headers)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(client, f"writer {n}")) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_with_the_same_etag_one_wins_the_other_gets_412(integrator):
    # given
    order = make_order(by=integrator)
    etag = api_client(integrator).get(order_url(order))["ETag"]

    # when
    statuses = _race(order, integrator, {"HTTP_IF_MATCH": etag})

    # then: exactly one change, no lost update
    assert statuses == [200, 412]
    order.refresh_from_db()
    assert order.customer_reference in ("writer 0", "writer 1")
    assert order.version == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_without_if_match_both_apply_in_turn(integrator):
    # given
    order = make_order(by=integrator)

    # when
    statuses = _race(order, integrator, {})

    # then: both changes were made one after the other, each moving the version on
    assert statuses == [200, 200]
    order.refresh_from_db()
    assert order.customer_reference in ("writer 0", "writer 1")
    assert order.version == 3


def test_the_schema_documents_etag_if_match_and_412(integrator):
    # when
    schema = api_client(integrator).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    # then
    patch = schema["paths"]["/api/v1/sales-orders/{id}/"]["patch"]
    confirm = schema["paths"]["/api/v1/sales-orders/{id}/confirm/"]["post"]
    read = schema["paths"]["/api/v1/sales-orders/{id}/"]["get"]
    for operation in (patch, confirm):
        assert "If-Match" in {parameter["name"] for parameter in operation["parameters"]}
        assert "412" in operation["responses"]
        assert "ETag" in operation["responses"]["200"]["headers"]
    assert "If-None-Match" in {parameter["name"] for parameter in read["parameters"]}
    assert "304" in read["responses"]
