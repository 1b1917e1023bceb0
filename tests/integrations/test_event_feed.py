"""The event feed and the relay: only settled events, in an order no later commit can get in front of.

These tests commit (an event is handed out only once its transaction and every older one have ended), so
they run in transactional tests."""

import time
from decimal import Decimal

import psycopg2
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.events import events_after
from core.jobs import jobs_run_due
from core.models import Event
from integrations.models import WebhookDelivery
from integrations.services.webhooks import webhook_relay_run, webhook_subscription_create
from salesapp.models import Customer
from salesapp.services.customers import customer_update
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.integrations.receiver import Receiver, receiver_start

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = "/api/v1/events/"


def _settled() -> None:
    """Wait until no transaction older than the last event runs (other sessions on the server may hold one
    for a moment): from then on the feed hands out every event committed so far."""
    for _ in range(1200):
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(txid) < pg_snapshot_xmin(pg_current_snapshot()), TRUE) FROM core_event")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("events did not settle within 2 minutes")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [event["id"] for event in response.json()["results"]]


def test_the_feed_pages_by_cursor_and_replays_the_same_events(integrator, manager):
    # given: three customers created and one changed
    customers = [make_customer(by=manager) for _ in range(3)]
    customer_update(customer=customers[0], payment_terms_days=10, by=manager)
    _settled()
    all_ids = list(Event.objects.order_by("id").values_list("id", flat=True))
    client = api_client(integrator)

    # when
    first = client.get(URL, {"limit": 3})
    rest = client.get(URL, {"after": first.json()["next_after"], "limit": 3})
    again = client.get(URL, {"after": first.json()["next_after"], "limit": 3})
    changed = client.get(URL, {"type": "customer.changed"})

    # then
    assert len(all_ids) == 4
    assert _ids(first) == all_ids[:3]
    assert first.json()["has_more"] is True
    assert _ids(rest) == _ids(again) == all_ids[3:]
    assert rest.json() == {**rest.json(), "next_after": all_ids[3], "has_more": False}
    (event,) = changed.json()["results"]
    assert event["type"] == "customer.changed"
    assert event["subject"] == {"type": "salesapp.customer", "id": customers[0].pk}
    assert event["data"]["schema_version"] == 1
    assert event["data"]["changed"] == ["payment_terms_days"]


def test_bad_feed_parameters_name_the_field(integrator):
    client = api_client(integrator)

    assert problem(client.get(URL, {"after": 999999}), 400)["errors"][0]["field"] == "after"
    assert problem(client.get(URL, {"after": "x"}), 400)["errors"][0]["field"] == "after"
    assert problem(client.get(URL, {"limit": 0}), 400)["errors"][0]["field"] == "limit"
    assert problem(client.get(URL, {"type": "order.shipped"}), 400)["errors"][0]["field"] == "type"


def test_a_clerk_token_may_not_read_the_feed(clerk):
    problem(api_client(clerk).get(URL), 403)


def _connect():
    """A connection of its own, beside Django's, for a transaction that runs while another commits."""
    return psycopg2.connect(**connection.get_connection_params())


def _insert_event(cursor, subject) -> int:
    cursor.execute(
        "INSERT INTO core_event (type, payload, subject_type_id, subject_id, occurred_at) "
        "VALUES ('customer.changed', '{\"schema_version\": 1}', %s, %s, now()) RETURNING id",
        [ContentType.objects.get_for_model(subject).pk, subject.pk],
    )
    return cursor.fetchone()[0]


def test_an_event_that_commits_after_a_later_id_is_not_skipped(manager):
    # given: transaction A began writing first; B then records an event (the earlier id), A records one (the
    # later id) and commits while B still runs
    customer = make_customer(by=manager)
    _settled()
    start = Event.objects.order_by("-id").values_list("id", flat=True).first()
    first, second = _connect(), _connect()
    try:
        a, b = first.cursor(), second.cursor()
        a.execute("SELECT pg_current_xact_id()")  # A's transaction id is the older one
        earlier = _insert_event(b, customer)
        later = _insert_event(a, customer)
        first.commit()

        # when: read while B runs, then after B commits
        while_running = [event.id for event in events_after(after=start)]
        second.commit()
        _settled()
        after_later = [event.id for event in events_after(after=later)]
    finally:
        first.close()
        second.close()

    # then: the earlier id was not handed out while its transaction ran (the later one was, unless a session
    # elsewhere on the server held a transaction older than A), and it still comes after the later one: a
    # client whose cursor reached the later id gets it next
    assert earlier < later
    assert while_running in ([later], [])
    assert after_later == [earlier]
    assert [event.id for event in events_after(after=start)] == [later, earlier]


def test_the_relay_hands_each_new_event_to_each_interested_subscription_once(integrator, clerk, manager):
    # given: two receivers, one for confirmed orders only
    everything, confirmations = Receiver(), Receiver()
    servers = [receiver_start(everything), receiver_start(confirmations)]
    try:
        webhook_subscription_create(url=everything.url, by=integrator)
        webhook_subscription_create(url=confirmations.url, event_types=["sales_order.confirmed"], by=integrator)
        order = make_order(
            customer=make_customer(by=manager), lines=[(ItemFactory(unit_price=Decimal(5)), "1")], by=clerk
        )
        order_confirm(order=order, by=clerk)
        _settled()

        # when: the relay runs twice, then the deliveries
        enqueued = webhook_relay_run()
        again = webhook_relay_run()
        runs = jobs_run_due()
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

    # then: customer.created and sales_order.confirmed to the first, the confirmation to the second
    assert (enqueued, again) == (3, 0)
    assert [run.status for run in runs] == ["succeeded"] * 3
    assert [r.headers["webhook-id"] for r in everything.received] == [
        str(pk) for pk in Event.objects.order_by("id").values_list("id", flat=True)
    ]
    assert [r.headers["webhook-id"] for r in confirmations.received] == [
        str(Event.objects.get(type="sales_order.confirmed").pk)
    ]
    assert WebhookDelivery.objects.filter(succeeded=True).count() == 3
    assert Customer.objects.count() == 1
