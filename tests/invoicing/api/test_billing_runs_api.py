"""Billing runs through the API: start, follow the progress and results, preview; subscriptions' terms and
billed periods on the sales order resource."""

import datetime
from decimal import Decimal

from core.jobs import jobs_run_due
from invoicing.models import BillingRun
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm, order_hold
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order

URL = "/api/v1/billing-runs/"
ORDERS = "/api/v1/sales-orders/"


def subscription(by, start="2026-10-01"):
    item = ItemFactory(unit_price=Decimal("10.00"), item_type="service")
    order = make_order(
        order_type="subscription", lines=[(item, "2")], order_date=datetime.date.fromisoformat(start), by=by
    )
    return order_confirm(order=order, by=by)


def test_a_manager_starts_a_run_and_reads_its_progress_and_results(manager):
    # given: one subscription due for Oct and Nov, one held
    billed = subscription(manager)
    held = subscription(manager, start="2026-11-01")
    order_hold(order=held, reason="Moving offices", by=manager)
    api = api_client(manager)

    # when
    started = api.post(URL, {"bill_until": "2026-11-15"}, format="json")

    # then: queued, then done once the job ran
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["state"], body["bill_until"], body["started_by"], body["results"]) == (
        "queued",
        "2026-11-15",
        manager.username,
        [],
    )
    jobs_run_due()
    run = api.get(f"{URL}{body['id']}/").json()
    assert (run["state"], run["total"], run["processed"], run["percent"]) == ("done", 2, 2, 100)
    assert [
        (r["order_number"], r["period_start"], bool(r["invoice_number"]), r["refusal"]) for r in run["results"]
    ] == [
        (billed.number, "2026-10-01", True, ""),
        (billed.number, "2026-11-01", True, ""),
        (
            held.number,
            "2026-11-01",
            False,
            f"Order {held.number} is on hold: Moving offices. A sales manager can release it.",
        ),
    ]
    listing = api.get(URL).json()
    assert [item["id"] for item in listing["results"]] == [body["id"]]
    assert "results" not in listing["results"][0]


def test_a_clerk_may_not_start_a_run(clerk):
    # when
    response = api_client(clerk).post(URL, {"bill_until": "2026-11-15"}, format="json")

    # then
    problem(response, 403)
    assert not BillingRun.objects.exists()


def test_a_run_without_a_date_is_refused_naming_the_field(manager):
    body = problem(api_client(manager).post(URL, {}, format="json"), 400)
    assert [error["field"] for error in body["errors"]] == ["bill_until"]
    assert not BillingRun.objects.exists()


def test_the_preview_lists_periods_with_amounts_and_refusals(manager):
    # given
    billed = subscription(manager)
    customer = make_customer(blocked=True, blocked_reason="Fraud check")
    blocked = subscription(manager, start="2026-11-01")
    SalesOrder.objects.filter(pk=blocked.pk).update(customer=customer)

    # when
    body = api_client(manager).get(f"{URL}preview/", {"bill_until": "2026-10-31"}).json()

    # then: 2 × 10.00 + 21 % = 24.20 a period; the blocked one is not due before November
    assert body["due_count"] == 1
    assert [
        (p["order_number"], p["period_start"], p["period_end"], p["amount_total"], p["refusal"])
        for p in body["periods"]
    ] == [(billed.number, "2026-10-01", "2026-10-31", "24.20", "")]
    later = api_client(manager).get(f"{URL}preview/", {"bill_until": "2026-11-30"}).json()
    assert [(p["order_number"], p["period_start"], p["refusal"]) for p in later["periods"]] == [
        (billed.number, "2026-10-01", ""),
        (billed.number, "2026-11-01", ""),
        (blocked.number, "2026-11-01", f"Customer {customer.number} is blocked: Fraud check."),
    ]


def test_a_preview_without_a_good_date_names_the_field(manager):
    body = problem(api_client(manager).get(f"{URL}preview/", {"bill_until": "soon"}), 400)
    assert body["errors"] == [{"field": "bill_until", "message": "Enter a date as YYYY-MM-DD, not 'soon'."}]
    # a date far beyond the document date window is refused too, not previewed period by period
    far = problem(api_client(manager).get(f"{URL}preview/", {"bill_until": "9999-12-31"}), 400)
    assert far["errors"] == [{"field": "bill_until", "message": "Enter a date between 2000-01-01 and 2099-12-31."}]


def test_orders_carry_their_subscription_terms_and_billed_periods(manager, integrator):
    # given: an integrator enters a quarterly subscription
    customer = make_customer()
    item = ItemFactory(unit_price=Decimal("10.00"), item_type="service")
    api = api_client(integrator)
    created = api.post(
        ORDERS,
        {
            "customer": customer.pk,
            "order_type": "subscription",
            "order_date": "2026-10-01",
            "billing_period": "quarterly",
            "subscription_end_date": "2027-09-30",
            "lines": [{"item": item.pk, "quantity": "1"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    order = created.json()
    assert (order["billing_period"], order["next_billing_date"], order["subscription_end_date"]) == (
        "quarterly",
        "2026-10-01",
        "2027-09-30",
    )

    # when: its end date changes, it is confirmed and billed once
    changed = api.patch(f"{ORDERS}{order['id']}/", {"subscription_end_date": "2027-12-31"}, format="json")
    assert changed.json()["subscription_end_date"] == "2027-12-31"
    api.post(f"{ORDERS}{order['id']}/confirm/")
    api_client(manager).post(URL, {"bill_until": "2026-10-01"}, format="json")
    jobs_run_due()

    # then
    body = api.get(f"{ORDERS}{order['id']}/").json()
    assert (body["state"], body["next_billing_date"]) == ("confirmed", "2027-01-01")
    assert [(p["period_start"], p["period_end"], p["invoice_number"]) for p in body["subscription_periods"]] == [
        ("2026-10-01", "2026-12-31", "INV-000001")
    ]


def test_an_end_before_the_next_billing_date_is_refused_naming_the_field(integrator):
    # given
    order = make_order(order_type="subscription", order_date=datetime.date(2026, 10, 1), by=integrator)

    # when
    response = api_client(integrator).patch(
        f"{ORDERS}{order.pk}/", {"subscription_end_date": "2026-09-30"}, format="json"
    )

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "subscription_end_date",
            "message": "The end date cannot be before the next billing date (2026-10-01).",
        }
    ]
    order.refresh_from_db()
    assert order.subscription_end_date is None
