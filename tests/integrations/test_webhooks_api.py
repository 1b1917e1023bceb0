from decimal import Decimal

import pytest

from core.jobs import jobs_run_due
from core.models import Event
from integrations.models import WebhookSubscription
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.integrations.receiver import Receiver, receiver_start

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhook-subscriptions/"


def test_the_secret_is_shown_on_create_and_rotate_only(integrator):
    client = api_client(integrator)

    created = client.post(
        URL, {"url": "https://erp.example.com/hooks", "event_types": ["invoice.posted"]}, format="json"
    )
    subscription_id = created.json()["id"]
    read = client.get(f"{URL}{subscription_id}/")
    rotated = client.post(f"{URL}{subscription_id}/rotate-secret/")
    changed = client.patch(f"{URL}{subscription_id}/", {"active": False, "event_types": []}, format="json")

    assert created.status_code == 201, created.content
    subscription = WebhookSubscription.objects.get()
    assert created.json()["secret"].startswith("whsec_")
    assert "secret" not in read.json()
    assert rotated.json()["secret"] == subscription.secret != created.json()["secret"]
    assert changed.json() == {
        **read.json(),
        "active": False,
        "event_types": [],
        "updated_at": changed.json()["updated_at"],
    }
    assert client.delete(f"{URL}{subscription_id}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_bad_input_names_the_field(integrator):
    body = problem(api_client(integrator).post(URL, {"url": "not a url", "event_types": ["x.y"]}, format="json"), 400)

    assert {error["field"] for error in body["errors"]} == {"url", "event_types"}


def test_redeliver_and_read_the_delivery_log(integrator, clerk):
    # given: an event delivered once
    receiver = Receiver()
    server = receiver_start(receiver)
    try:
        client = api_client(integrator)
        subscription_id = client.post(URL, {"url": receiver.url}, format="json").json()["id"]
        order = make_order(customer=make_customer(), lines=[(ItemFactory(unit_price=Decimal(3)), "1")], by=clerk)
        order_confirm(order=order, by=clerk)
        event = Event.objects.get(type="sales_order.confirmed")

        # when
        queued = client.post(f"{URL}{subscription_id}/redeliver/", {"event": event.pk}, format="json")
        jobs_run_due()
        log = client.get("/api/v1/webhook-deliveries/", {"subscription": subscription_id})
    finally:
        server.shutdown()
        server.server_close()

    # then
    assert queued.status_code == 202, queued.content
    (delivery,) = log.json()["results"]
    assert delivery == {
        **delivery,
        "event": event.pk,
        "event_type": "sales_order.confirmed",
        "attempt": 1,
        "redelivery": True,
        "status_code": 200,
        "succeeded": True,
    }
    assert [r.headers["webhook-id"] for r in receiver.received] == [str(event.pk)]


def test_a_clerk_may_not_manage_subscriptions(clerk):
    problem(api_client(clerk).post(URL, {"url": "https://example.com"}, format="json"), 403)
    problem(api_client(clerk).get(URL), 403)


def _events_and_deliveries(count: int, subscription, customer, by) -> None:
    from core.events import event_record
    from integrations.models import WebhookDelivery

    for index in range(count):
        event_record(type="customer.changed", subject=customer, by=by, data={"index": index})
        WebhookDelivery.objects.create(
            subscription=subscription, event=Event.objects.latest("pk"), attempt=1, status_code=200, succeeded=True
        )


def test_the_delivery_log_costs_the_same_queries_for_3_or_30_rows(integrator):
    # (The feed hands out committed events only; tests/integrations/test_event_feed.py pages it with real commits.)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integrations.services.webhooks import webhook_subscription_create

    # given
    api = api_client(integrator)
    subscription = webhook_subscription_create(url="https://receiver.example/hooks", by=integrator)
    customer = make_customer()
    _events_and_deliveries(3, subscription, customer, integrator)
    api.get("/api/v1/webhook-deliveries/")  # content types cached from then on

    def queries(url, rows):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) == rows
        return len(captured)

    few = queries("/api/v1/webhook-deliveries/", 3)

    # when: ten times the rows
    _events_and_deliveries(27, subscription, customer, integrator)

    # then
    assert queries("/api/v1/webhook-deliveries/", 30) == few
