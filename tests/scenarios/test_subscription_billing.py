"""The issue's bar: a subscription three periods behind, two billing runs started at the same moment, exactly
three invoices (the period row's unique constraint and the order lock make a second bill impossible)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.dates import months_added
from invoicing.models import BillingRunResult, Invoice
from invoicing.services.billing_runs import billing_run_process, billing_run_start
from salesapp.models import SalesOrder, SubscriptionPeriod, SubscriptionPeriodLine
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_order

RUNS = 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_started_at_once_bill_three_periods_exactly_once(manager, billing):
    # given: a monthly subscription whose first billing date is three months back (the day after, so that
    # three periods have started by today and the fourth starts tomorrow)
    today = datetime.date.today()
    first = months_added(today, -3) + datetime.timedelta(days=1)
    item = ItemFactory(unit_price=Decimal("25.00"), item_type="service")
    order = make_order(order_type="subscription", lines=[(item, "4")], order_date=first, by=manager)
    order_confirm(order=order, by=manager)
    expected_next = order.period_after(order.period_after(order.period_after(first)))
    runs = [billing_run_start(bill_until=today, by=user) for user in (manager, billing)]
    errors: list[Exception] = []
    barrier = threading.Barrier(RUNS)

    def process(run):
        barrier.wait()
        try:
            billing_run_process(run_id=run.pk)
        except Exception as exc:  # collected and shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # when: both runs bill at the same moment, each in its own thread and transactions
    threads = [threading.Thread(target=process, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: three posted invoices of 100.00 + 21 %, three periods, no refusal, the order confirmed again
    assert errors == []
    invoices = Invoice.objects.filter(order=order).order_by("number")
    assert [(invoice.state, invoice.amount_total) for invoice in invoices] == [("posted", Decimal("121.00"))] * 3
    periods = list(SubscriptionPeriod.objects.filter(order=order).order_by("period_start"))
    assert [period.period_start for period in periods] == [
        first,
        order.period_after(first),
        order.period_after(order.period_after(first)),
    ]
    assert sorted(invoice.subscription_period_id for invoice in invoices) == [period.pk for period in periods]
    assert SubscriptionPeriodLine.objects.filter(period__order=order, qty_invoiced=Decimal("4")).count() == 3
    assert list(BillingRunResult.objects.exclude(refusal="").values_list("refusal", flat=True)) == []
    assert BillingRunResult.objects.filter(invoice__isnull=False).count() == 3
    order = SalesOrder.objects.get(pk=order.pk)
    assert (order.state, order.next_billing_date) == ("confirmed", expected_next)
    assert list(order.lines.values_list("qty_delivered", "qty_invoiced")) == [(Decimal("0.000"), Decimal("0.000"))]

    # when: a run repeated afterwards
    again = billing_run_process(run_id=billing_run_start(bill_until=today, by=manager).pk)

    # then: it bills nothing
    assert (again.state, again.total, again.results.count()) == ("done", 0, 0)
    assert Invoice.objects.filter(order=order).count() == 3
