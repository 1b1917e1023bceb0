"""Summary invoicing (issue's scenario): a month of packing slips across three orders of one customer is invoiced
once per customer, on one invoice; a second, overlapping run invoices nothing twice, even when two runs draft at
the same moment."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import TransitionRefused
from core.jobs import jobs_run_due
from invoicing.errors import ErrorCode
from invoicing.models import BillingRunResult, Invoice, InvoiceLine
from invoicing.selectors.summary_runs import summary_preview, summary_run_inputs
from invoicing.services.summary_invoices import summary_invoice_create
from invoicing.services.summary_runs import summary_run_post_all, summary_run_start
from salesapp.models import PackingSlipLine
from salesapp.services.orders import order_hold
from tests.factories.summary_invoicing import NOVEMBER, month_of_slips

D = datetime.date


@pytest.mark.django_db
def test_a_month_of_slips_of_three_orders_is_invoiced_once_per_customer(manager, billing):
    # given
    customer, orders, slips = month_of_slips(manager)

    # when: the preview, then the run and its "post all" as the jobs do them
    inputs = summary_run_inputs(customer_ids=[customer.pk], grouping="customer", **NOVEMBER)
    preview = summary_preview(inputs=inputs)
    run = summary_run_start(customers=[customer], grouping="customer", by=manager, **NOVEMBER)
    jobs_run_due()
    run.refresh_from_db()
    summary_run_post_all(run=run, by=billing)
    jobs_run_due()

    # then: one invoice of 110.00 + 21 % tax (23.10) covering the four slips and the three orders
    assert [(group.key, group.amount_net, group.amount_total) for group in preview.groups] == [
        (str(customer.pk), Decimal("110.00"), Decimal("133.10"))
    ]
    assert [slip.pk for slip in preview.groups[0].slips] == [slip.pk for slip in slips]
    assert {order.pk for order in preview.groups[0].orders} == {order.pk for order in orders}
    assert preview.left_out == []
    run.refresh_from_db()
    assert (run.state, run.total, run.processed, run.posting_state, run.posting_processed) == (
        "done",
        1,
        1,
        "done",
        1,
    )
    invoice = Invoice.objects.get(customer=customer)
    assert (invoice.basis, invoice.order_id, invoice.state, invoice.amount_total) == (
        "summary",
        None,
        "posted",
        Decimal("133.10"),
    )
    # the customer's payment terms
    assert invoice.due_date == invoice.invoice_date + datetime.timedelta(days=14)
    assert list(invoice.lines.order_by("line_no").values_list("packing_slip_line__packing_slip_id", "quantity")) == [
        (slips[0].pk, Decimal("2.000")),
        (slips[1].pk, Decimal("1.000")),
        (slips[2].pk, Decimal("1.000")),
        (slips[2].pk, Decimal("1.000")),
        (slips[3].pk, Decimal("2.000")),
    ]
    assert not invoice.lines.filter(draft_claim=True).exists()
    for order in orders:
        order.refresh_from_db()
        assert order.state == "invoiced"
        assert all(line.qty_invoiced == line.quantity for line in order.lines.all())
    assert not PackingSlipLine.objects.filter(packing_slip__in=slips, qty_invoiced__lt=1).exclude(quantity=0).exists()

    # and when: a second run over an overlapping range
    again = summary_preview(
        inputs=summary_run_inputs(customer_ids=None, slips_from=D(2026, 11, 10), slips_to=None, grouping="customer")
    )
    second = summary_run_start(
        customers=None, slips_from=D(2026, 11, 10), slips_to=None, grouping="customer", by=manager
    )
    jobs_run_due()

    # then: it invoices nothing, and its preview says why for each slip it saw
    assert again.groups == []
    assert [(left.slip.pk, left.reason) for left in again.left_out] == [
        (slip.pk, f"Nothing to invoice: everything on {slip.number} is invoiced.") for slip in slips[1:]
    ]
    second.refresh_from_db()
    assert (second.state, second.total) == ("done", 0)
    assert Invoice.objects.filter(customer=customer).count() == 1


@pytest.mark.django_db
def test_grouping_per_order_makes_three_invoices_and_a_held_order_is_left_out(manager):
    # given
    customer, orders, slips = month_of_slips(manager)
    order_hold(order=orders[1], reason="Disputed delivery", by=manager)
    inputs = summary_run_inputs(customer_ids=[customer.pk], grouping="customer_order", **NOVEMBER)

    # when
    preview = summary_preview(inputs=inputs)
    run = summary_run_start(customers=[customer], grouping="customer_order", by=manager, **NOVEMBER)
    jobs_run_due()

    # then: one draft per order not held; the held order's slip is listed with the reason
    assert [(group.key, group.amount_net) for group in preview.groups] == [
        (f"{customer.pk}:order:{orders[0].pk}", Decimal("20.00")),
        (f"{customer.pk}:order:{orders[2].pk}", Decimal("70.00")),
    ]
    assert [(left.slip.pk, left.reason) for left in preview.left_out] == [
        (slips[1].pk, f"Order {orders[1].number} is on hold: Disputed delivery. A sales manager can release it.")
    ]
    results = BillingRunResult.objects.filter(run=run).order_by("pk")
    assert [(result.group_key, result.invoice.state, result.invoice.amount_net) for result in results] == [
        (f"{customer.pk}:order:{orders[0].pk}", "draft", Decimal("20.00")),
        (f"{customer.pk}:order:{orders[2].pk}", "draft", Decimal("70.00")),
    ]

    # and: the released order's slip joins a later run; a third of this grouping drafts nothing more
    preview_again = summary_preview(inputs=inputs)
    assert preview_again.groups == []
    assert {left.reason for left in preview_again.left_out} == {
        f"Nothing to invoice: {slips[0].number} is on draft invoice #{results[0].invoice_id} already.",
        f"Nothing to invoice: {slips[2].number} is on draft invoice #{results[1].invoice_id} already.",
        f"Nothing to invoice: {slips[3].number} is on draft invoice #{results[1].invoice_id} already.",
        f"Order {orders[1].number} is on hold: Disputed delivery. A sales manager can release it.",
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_drafting_the_same_slips_at_once_invoice_each_slip_line_once(manager):
    # given: the same group, previewed by two runs before either drafted
    customer, orders, slips = month_of_slips(manager)
    group = summary_preview(inputs=summary_run_inputs(customer_ids=[customer.pk], grouping="customer", **NOVEMBER))
    slip_line_ids = group.groups[0].slip_line_ids
    outcomes: list = []
    barrier = threading.Barrier(2)

    def draft():
        barrier.wait()
        try:
            outcomes.append(
                summary_invoice_create(customer=customer, currency="EUR", slip_line_ids=slip_line_ids, by=manager)
            )
        except Exception as exc:  # the refusal is the outcome asserted below
            outcomes.append(exc)
        finally:
            connection.close()

    # when: both draft at the same moment, each in its own connection
    threads = [threading.Thread(target=draft) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: one draft; the other is refused with the reason, and every slip line is claimed once
    drafts = [outcome for outcome in outcomes if isinstance(outcome, Invoice)]
    refusals = [outcome for outcome in outcomes if not isinstance(outcome, Invoice)]
    assert len(drafts) == 1
    assert [(type(refusal), refusal.code) for refusal in refusals] == [
        (TransitionRefused, ErrorCode.SLIP_LINE_ON_DRAFT)
    ]
    assert Invoice.objects.filter(customer=customer).count() == 1
    assert sorted(
        InvoiceLine.objects.filter(draft_claim=True).values_list("packing_slip_line_id", flat=True)
    ) == sorted(slip_line_ids)


@pytest.mark.django_db
def test_a_summary_invoice_is_canceled_order_by_order_and_its_correction_invoices_the_slips_again(manager, billing):
    from django.db.models import Sum

    from invoicing.models import JournalLine
    from invoicing.services.credit_notes import invoice_correct
    from invoicing.services.invoices import invoice_post

    # given: the month's four slips of three orders on one posted summary invoice
    customer, orders, slips = month_of_slips(manager)
    run = summary_run_start(customers=[customer], grouping="customer", by=manager, **NOVEMBER)
    jobs_run_due()
    summary_run_post_all(run=run, by=billing)
    jobs_run_due()
    invoice = Invoice.objects.get(customer=customer)

    # when: it is corrected (canceled by a full credit note, and a new draft made)
    draft = invoice_correct(invoice=invoice, by=billing)

    # then: every order and slip line has its quantities back, and the draft bills the same slips
    invoice.refresh_from_db()
    assert invoice.state == "canceled"
    for order in orders:
        order.refresh_from_db()
        assert order.state == "delivered" or order.state == "confirmed", order.state
        assert all(line.qty_invoiced == 0 for line in order.lines.all())
    assert not PackingSlipLine.objects.filter(packing_slip__in=slips, qty_invoiced__gt=0).exists()
    assert (draft.basis, draft.state, draft.amount_total) == ("summary", "draft", invoice.amount_total)
    assert sorted(draft.lines.values_list("packing_slip_line_id", flat=True)) == sorted(
        invoice.lines.values_list("packing_slip_line_id", flat=True)
    )
    # when the correction is posted, the orders are invoiced again and the journal balances
    invoice_post(invoice=draft, by=billing)
    for order in orders:
        order.refresh_from_db()
        assert all(line.qty_invoiced == line.qty_delivered for line in order.lines.all())
    totals = JournalLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert totals["debit"] == totals["credit"]
