"""The billing run pages: a manager previews a run, starts it, follows its progress and reads the results; the
order page shows a subscription's terms and the periods billed."""

import datetime
from decimal import Decimal

from django.urls import reverse

from core.jobs import jobs_run_due
from invoicing.models import BillingRun
from invoicing.services.billing_runs import billing_run_process, billing_run_start
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm, order_hold
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = datetime.date


def subscription(by, *, start=None, name="Hosting BV"):
    start = start or D(2026, 10, 1)
    item = ItemFactory(unit_price=Decimal("10.00"), item_type="service")
    customer = make_customer(party=PartyFactory(name=name))
    order = make_order(order_type="subscription", customer=customer, lines=[(item, "2")], order_date=start, by=by)
    return order_confirm(order=order, by=by)


def test_a_manager_previews_starts_and_follows_a_run(client, manager):
    # given: one subscription due for Oct and Nov, one held
    billed = subscription(manager)
    held = subscription(manager, start=D(2026, 11, 1), name="Paused BV")
    order_hold(order=held, reason="Contract under review", by=manager)
    client.force_login(manager)
    url = reverse("invoicing:billing_run_create")

    # when: the preview up to 15 Nov
    page = client.get(url, {"bill_until": "2026-11-15"}).content.decode()

    # then: both periods with their amounts, the held one with its reason, nothing billed yet
    assert "1 Oct 2026 – 31 Oct 2026" in page and "1 Nov 2026 – 30 Nov 2026" in page
    assert "EUR 20.00" in page and "24.20" in page
    assert f"Order {held.number} is on hold: Contract under review." in page
    assert "2 periods to bill, 48.40 in all; 1 refused." in page
    assert not BillingRun.objects.exists()

    # when: started
    response = client.post(url, {"bill_until": "2026-11-15"})

    # then: the run page polls its progress until the job is done
    run = BillingRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("invoicing:billing_run_detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0 of 0 subscriptions processed" in page
    jobs_run_due()
    fragment = client.get(reverse("invoicing:billing_run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in fragment
    assert "2 of 2 subscriptions processed" in fragment
    invoices = list(billed.invoices.order_by("number").values_list("pk", "number"))
    for pk, number in invoices:
        assert f'href="{reverse("invoicing:invoice_detail", args=[pk])}">{number}</a>' in fragment
    assert "Contract under review" in fragment


def test_the_list_pages_and_keeps_its_query_count(client, manager, django_assert_max_num_queries):
    # given
    client.force_login(manager)
    billing_run_start(bill_until=D(2026, 11, 1), by=manager)
    url = reverse("invoicing:billing_run_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

    # when
    for _ in range(30):
        billing_run_start(bill_until=D(2026, 11, 1), by=manager)

    # then
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


def test_the_preview_keeps_its_query_count(client, manager, django_assert_max_num_queries):
    # given
    client.force_login(manager)
    subscription(manager)
    url = reverse("invoicing:billing_run_create")
    with django_assert_max_num_queries(5):
        assert client.get(url, {"bill_until": "2026-11-15"}).status_code == 200

    # when
    for n in range(10):
        subscription(manager, name=f"Customer {n}")

    # then
    with django_assert_max_num_queries(5):
        response = client.get(url, {"bill_until": "2026-11-15"})
    assert len(response.context["preview"].periods) == 22


def test_the_results_page_keeps_its_query_count(client, manager, django_assert_max_num_queries):
    # given: a run with two invoices and ten refusals
    client.force_login(manager)
    subscription(manager)
    for n in range(10):
        order_hold(order=subscription(manager, name=f"Held {n}"), reason="On hold", by=manager)
    run = billing_run_process(run_id=billing_run_start(bill_until=D(2026, 11, 15), by=manager).pk)

    # when / then
    with django_assert_max_num_queries(6):
        response = client.get(reverse("invoicing:billing_run_detail", args=[run.pk]))
    assert len(response.context["results"]) == 12


def test_clerks_neither_see_nor_start_runs(client, clerk, manager):
    # given
    client.force_login(clerk)

    # then
    assert client.get(reverse("invoicing:billing_run_create")).status_code == 403
    assert client.post(reverse("invoicing:billing_run_create"), {"bill_until": "2026-11-15"}).status_code == 403
    assert reverse("invoicing:billing_run_list") not in client.get(reverse("invoicing:invoice_list")).content.decode()
    client.force_login(manager)
    assert reverse("invoicing:billing_run_list") in client.get(reverse("invoicing:invoice_list")).content.decode()
    assert not BillingRun.objects.exists()


def test_a_start_without_a_date_is_refused_on_its_field(client, manager):
    client.force_login(manager)
    response = client.post(reverse("invoicing:billing_run_create"), {"bill_until": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"bill_until": ["This field is required."]}
    assert not BillingRun.objects.exists()


def test_the_order_page_shows_the_terms_and_the_billed_periods(client, manager, django_assert_max_num_queries):
    # given
    order = subscription(manager)
    billing_run_process(run_id=billing_run_start(bill_until=D(2026, 11, 1), by=manager).pk)
    client.force_login(manager)

    # when
    page = client.get(reverse("salesapp:order_detail", args=[order.pk])).content.decode()

    # then
    assert "Billing period" in page and "Monthly" in page
    invoices = list(order.invoices.order_by("-number"))
    assert [invoice.subscription_period.period_start for invoice in invoices] == [D(2026, 11, 1), D(2026, 10, 1)]
    assert page.index("1 Nov 2026 – 30 Nov 2026") < page.index("1 Oct 2026 – 31 Oct 2026")
    for invoice in invoices:
        assert f'href="{reverse("invoicing:invoice_detail", args=[invoice.pk])}">{invoice.number}</a>' in page
    invoice_page = client.get(reverse("invoicing:invoice_detail", args=[invoices[0].pk])).content.decode()
    assert "1 Nov 2026 – 30 Nov 2026" in invoice_page


def test_a_clerk_enters_a_subscription_with_its_terms(client, clerk):
    # given
    customer = make_customer()
    item = ItemFactory(unit_price=Decimal("10.00"))
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_create"),
        {
            "customer": customer.pk,
            "order_type": "subscription",
            "billing_period": "quarterly",
            "next_billing_date": "2026-12-01",
            "subscription_end_date": "",
            "payment_terms_days": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-item": item.pk,
            "lines-0-quantity": "1",
        },
    )

    # then
    assert response.status_code == 302, response.context and response.context["header"].errors
    order = SalesOrder.objects.get()
    assert (order.order_type, order.billing_period, order.next_billing_date) == (
        "subscription",
        "quarterly",
        D(2026, 12, 1),
    )
    form_page = client.get(reverse("salesapp:order_update", args=[order.pk])).content.decode()
    assert 'data-order-types="subscription"' in form_page and 'value="2026-12-01"' in form_page


def test_an_end_date_before_the_next_billing_date_is_shown_on_its_field(client, clerk):
    # given
    order = make_order(order_type="subscription", order_date=D(2026, 10, 1), by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("salesapp:order_update", args=[order.pk]),
        {
            "order_type": "subscription",
            "billing_period": "monthly",
            "next_billing_date": "2026-10-01",
            "subscription_end_date": "2026-09-01",
        },
    )

    # then
    assert response.context["form"].errors["subscription_end_date"] == [
        "The end date cannot be before the next billing date (2026-10-01)."
    ]
    order.refresh_from_db()
    assert order.subscription_end_date is None
