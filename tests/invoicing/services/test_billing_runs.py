"""Billing runs: started by a manager or the daily schedule, a job bills every subscription due, each period
in its own transaction, and lists the ones it could not bill with their reason; the preview shows the same
before anything is billed."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.actors import system_actor
from core.errors import ActionForbidden, ValidationFailed
from core.jobs import jobs_run_due
from invoicing.jobs import billing_run_daily_job
from invoicing.models import BillingRun, BillingRunResult, Invoice, TaxCodeAccount
from invoicing.selectors.billing_runs import billing_preview
from invoicing.services.billing_runs import billing_run_process, billing_run_start
from salesapp.models import SalesOrder
from salesapp.services.customers import customer_update
from salesapp.services.orders import order_confirm, order_hold
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = datetime.date
UNTIL = D(2026, 11, 15)


def subscription(by, *, start, price="10.00", quantity="2", item_type="service", customer=None, **terms):
    item = ItemFactory(unit_price=Decimal(price), item_type=item_type)
    order = make_order(
        order_type="subscription",
        customer=customer or make_customer(),
        lines=[(item, quantity)],
        order_date=start,
        by=by,
        **terms,
    )
    return order_confirm(order=order, by=by)


@pytest.fixture
def due(manager):
    """Four subscriptions on 15 Nov 2026: one due for Oct and Nov (24.20 each), one held, one whose customer
    is blocked, and one not due before 1 Dec (not listed)."""
    catching_up = subscription(manager, start=D(2026, 10, 1))
    held = subscription(manager, start=D(2026, 11, 1))
    order_hold(order=held, reason="Waiting for a signed contract", by=manager)
    blocked = subscription(manager, start=D(2026, 11, 10), price="5.00", quantity="1")
    customer_update(customer=blocked.customer, blocked=True, blocked_reason="Unpaid invoices", by=manager)
    later = subscription(manager, start=D(2026, 12, 1))
    return catching_up, held, blocked, later


def results(run):
    return list(
        BillingRunResult.objects.filter(run=run)
        .order_by("pk")
        .values_list("order__number", "period_start", "invoice__state", "refusal")
    )


def test_a_run_bills_every_period_due_and_lists_what_it_could_not_bill(due, manager):
    catching_up, held, blocked, later = due

    # when: a manager starts a run; the job runs
    run = billing_run_start(bill_until=UNTIL, by=manager)
    assert (run.state, run.started_by) == ("queued", manager)
    runs = jobs_run_due()

    # then
    assert [job.status for job in runs if job.task_name == "invoicing.billing_run"] == ["succeeded"]
    run.refresh_from_db()
    assert (run.state, run.total, run.processed, run.percent) == ("done", 3, 3, 100)
    assert run.finished_at is not None
    assert results(run) == [
        (catching_up.number, D(2026, 10, 1), "posted", ""),
        (catching_up.number, D(2026, 11, 1), "posted", ""),
        (
            held.number,
            D(2026, 11, 1),
            None,
            f"Order {held.number} is on hold: Waiting for a signed contract. A sales manager can release it.",
        ),
        (blocked.number, D(2026, 11, 10), None, f"Customer {blocked.customer.number} is blocked: Unpaid invoices."),
    ]
    assert list(Invoice.objects.filter(order=catching_up).values_list("amount_total", flat=True)) == [
        Decimal("24.20"),
        Decimal("24.20"),
    ]
    assert not Invoice.objects.filter(order__in=[held, blocked, later]).exists()
    catching_up.refresh_from_db()
    assert (catching_up.state, catching_up.next_billing_date) == ("confirmed", D(2026, 12, 1))


def test_a_run_repeated_bills_nothing_more(due, manager):
    # given
    billing_run_process(run_id=billing_run_start(bill_until=UNTIL, by=manager).pk)
    invoices = Invoice.objects.count()

    # when
    again = billing_run_process(run_id=billing_run_start(bill_until=UNTIL, by=manager).pk)

    # then: the refused ones are listed again, nothing is billed twice
    assert Invoice.objects.count() == invoices
    assert [(order, invoice) for order, _start, invoice, _refusal in results(again)] == [
        (due[1].number, None),
        (due[2].number, None),
    ]
    # the queued jobs of both runs find their runs done
    runs = jobs_run_due()
    assert [job.status for job in runs if job.task_name == "invoicing.billing_run"] == ["succeeded", "succeeded"]
    assert Invoice.objects.count() == invoices


def test_a_posting_setup_missing_is_a_listed_refusal_and_the_others_are_billed(manager):
    # given: the 9 % tax code has no output tax account; a subscription taxed at 21 % is still billable
    nine = subscription(manager, start=D(2026, 11, 1))
    nine.lines.update(tax_code=tax_code("NL9"))
    twenty_one = subscription(manager, start=D(2026, 11, 1))
    TaxCodeAccount.objects.filter(tax_code=tax_code("NL9")).delete()

    # when
    run = billing_run_process(run_id=billing_run_start(bill_until=UNTIL, by=manager).pk)

    # then
    assert results(run) == [
        (
            nine.number,
            D(2026, 11, 1),
            None,
            f"No output tax account is set up for tax code(s) {tax_code('NL9').pk}",
        ),
        (twenty_one.number, D(2026, 11, 1), "posted", ""),
    ]
    nine.refresh_from_db()
    assert (nine.state, nine.next_billing_date) == ("confirmed", D(2026, 11, 1))
    assert nine.lines.get().qty_delivered == 0


def test_starting_needs_the_permission_and_a_date(clerk, manager):
    with pytest.raises(ActionForbidden):
        billing_run_start(bill_until=UNTIL, by=clerk)
    with pytest.raises(ValidationFailed) as refused:
        billing_run_start(bill_until=D(1999, 1, 1), by=manager)
    assert refused.value.field_errors == {"bill_until": "Enter a date between 2000-01-01 and 2099-12-31."}
    with pytest.raises(ValidationFailed) as refused:
        billing_run_start(bill_until=None, by=manager)
    assert refused.value.field_errors == {"bill_until": "Enter the date to bill up to."}
    assert not BillingRun.objects.exists()


def test_billing_clerks_may_start_runs_too(billing):
    assert billing_run_start(bill_until=UNTIL, by=billing).started_by == billing


def test_the_daily_job_starts_a_run_for_today_as_the_system(manager):
    # given: a subscription due today
    order = subscription(manager, start=datetime.date.today())

    # when
    billing_run_daily_job(timestamp=0)
    jobs_run_due()

    # then
    run = BillingRun.objects.get()
    assert (run.bill_until, run.started_by, run.state) == (datetime.date.today(), system_actor(), "done")
    assert results(run) == [(order.number, datetime.date.today(), "posted", "")]


def test_the_preview_lists_periods_amounts_and_refusals_in_two_queries(due, manager):
    catching_up, held, blocked, _later = due
    # another due subscription does not add a query
    subscription(manager, start=D(2026, 11, 15))

    # when
    with CaptureQueriesContext(connection) as queries:
        preview = billing_preview(bill_until=UNTIL)
        rows = [
            (p.order.number, p.order.customer.party.name, p.period_start, p.period_end, p.amount_total, p.refusal)
            for p in preview.periods
        ]

    # then
    assert len(queries) == 2, [q["sql"] for q in queries.captured_queries]
    assert rows[:4] == [
        (catching_up.number, catching_up.customer.party.name, D(2026, 10, 1), D(2026, 10, 31), Decimal("24.20"), ""),
        (catching_up.number, catching_up.customer.party.name, D(2026, 11, 1), D(2026, 11, 30), Decimal("24.20"), ""),
        (
            held.number,
            held.customer.party.name,
            D(2026, 11, 1),
            D(2026, 11, 30),
            Decimal("24.20"),
            f"Order {held.number} is on hold: Waiting for a signed contract. A sales manager can release it.",
        ),
        (
            blocked.number,
            blocked.customer.party.name,
            D(2026, 11, 10),
            D(2026, 12, 9),
            Decimal("6.05"),
            f"Customer {blocked.customer.number} is blocked: Unpaid invoices.",
        ),
    ]
    assert len(rows) == 5
    # 24.20 × 3 billable periods; the refused ones are not in the total
    assert (preview.due_count, preview.amount_total) == (4, Decimal("72.60"))
    # nothing was billed by looking
    assert not Invoice.objects.exists()
    assert SalesOrder.objects.get(pk=catching_up.pk).next_billing_date == D(2026, 10, 1)
