"""Billing runs and subscription periods in the admin: read-only, with their results and period lines."""

import datetime
from decimal import Decimal

from django.urls import reverse

from invoicing.models import BillingRun
from invoicing.services.billing_runs import billing_run_process, billing_run_start
from salesapp.models import SubscriptionPeriod
from salesapp.services.orders import order_confirm, order_hold
from tests.factories.salesapp import ItemFactory, make_order


def test_a_run_shows_its_invoices_and_refusals_read_only(client, administrator, manager):
    # given: one subscription billed, one held
    item = ItemFactory(unit_price=Decimal("10.00"))
    billed = order_confirm(
        order=make_order(order_type="subscription", lines=[(item, "1")], order_date=datetime.date(2026, 11, 1)),
        by=manager,
    )
    held = order_confirm(
        order=make_order(order_type="subscription", lines=[(item, "1")], order_date=datetime.date(2026, 11, 1)),
        by=manager,
    )
    order_hold(order=held, reason="Contract renegotiated", by=manager)
    run = billing_run_process(run_id=billing_run_start(bill_until=datetime.date(2026, 11, 30), by=manager).pk)
    client.force_login(administrator)

    # when
    listing = client.get(reverse("admin:invoicing_billingrun_changelist"))
    detail = client.get(reverse("admin:invoicing_billingrun_change", args=[run.pk]))
    period = SubscriptionPeriod.objects.get()
    period_page = client.get(reverse("admin:salesapp_subscriptionperiod_change", args=[period.pk]))
    order_page = client.get(reverse("admin:salesapp_salesorder_change", args=[billed.pk]))

    # then
    assert listing.status_code == detail.status_code == period_page.status_code == order_page.status_code == 200
    page = detail.content.decode()
    assert billed.number in page and held.number in page
    assert "Contract renegotiated" in page
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:invoicing_billingrun_add")).status_code == 403
    assert period.invoice_number and period.invoice_number in period_page.content.decode()
    assert BillingRun.objects.count() == 1
