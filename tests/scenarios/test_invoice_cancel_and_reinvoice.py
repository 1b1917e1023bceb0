"""Scenario (issue "Invoicing in full"): an unpaid posted invoice is canceled and the order invoiced again; an
invoice is corrected into a new draft. The journal balances at every step and the order's invoiced quantities
follow."""

from decimal import Decimal

from django.db.models import Sum

from invoicing.models import Invoice, JournalLine
from invoicing.selectors.customer_accounts import customer_balance, customers_receivables
from invoicing.services.credit_notes import invoice_cancel, invoice_correct
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import PackingSlipLine
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


def journal_balance() -> tuple[Decimal, Decimal]:
    totals = JournalLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return totals["debit"], totals["credit"]


def test_cancel_an_unpaid_invoice_and_invoice_the_order_again(clerk, billing):
    # given: 10 lamps at 12.50 (21 %) shipped on one slip and invoiced from it: 125.00 + 26.25 = 151.25
    lamp = ItemFactory(number="LAMP", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    customer = make_customer()
    order = order_confirm(order=make_order(customer=customer, lines=[(lamp, "10")], by=clerk), by=clerk)
    line = order.lines.get()
    packing_slip_post(packing_slip=packing_slip_create(order=order, quantities={line.pk: D("10")}, by=clerk), by=clerk)
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=order, basis="packing_slips", by=billing), by=billing
    )
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.state, line.qty_invoiced, invoice.amount_total) == ("invoiced", D("10"), D("151.25"))

    # when: it is canceled
    invoice_cancel(invoice=invoice, by=billing)

    # then: a posted credit note of −151.25 names it, the invoice is canceled, the quantities are back
    invoice.refresh_from_db()
    note = invoice.credit_notes.get()
    assert (invoice.state, note.state, note.kind, note.credit_kind) == (
        "canceled",
        "posted",
        "credit_note",
        "cancellation",
    )
    assert note.number.startswith("CN-")
    assert (note.amount_net, note.amount_tax, note.amount_total) == (D("-125.00"), D("-26.25"), D("-151.25"))
    assert [(cl.credited_line_id, cl.quantity, cl.order_line_id) for cl in note.lines.all()] == [
        (invoice.lines.get().pk, D("-10"), None)
    ]
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.state, line.qty_invoiced) == ("delivered", D("0"))
    assert list(PackingSlipLine.objects.filter(order_line=line).values_list("qty_invoiced", flat=True)) == [D("0")]
    debit, credit = journal_balance()
    assert debit == credit == D("302.50")  # the invoice's 151.25 and its reversal
    # the canceled invoice and its credit note offset each other: nothing is owed, nothing is open
    assert customer_balance(customer=customer)["balance"] == D("0")
    assert customer_balance(customer=customer)["total_sales"] == D("0")
    assert customer.pk not in customers_receivables([customer.pk])

    # when: the order is invoiced again
    again = invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=billing), by=billing)

    # then: a new number, the order invoiced once more, the journal still balanced
    assert again.number != invoice.number and again.number.startswith("INV-")
    assert again.amount_total == D("151.25")
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.state, line.qty_invoiced) == ("invoiced", D("10"))
    debit, credit = journal_balance()
    assert debit == credit == D("453.75")
    assert customer_balance(customer=customer)["balance"] == D("151.25")


def test_correct_gives_a_new_draft_linked_to_the_canceled_invoice(clerk, billing):
    # given: an order of 4 desks at 30.00, invoiced on basis order (ship and invoice)
    desk = ItemFactory(number="DESK", unit_price=D("30.00"), tax_code=tax_code("NL21"))
    order = order_confirm(order=make_order(lines=[(desk, "4")], by=clerk), by=clerk)
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=billing), by=billing)

    # when: it is corrected
    draft = invoice_correct(invoice=invoice, by=billing)

    # then: the invoice is canceled by a credit note and a draft copy of it names it
    invoice.refresh_from_db()
    assert invoice.state == "canceled"
    assert (draft.state, draft.kind, draft.corrects_id, draft.order_id, draft.basis) == (
        "draft",
        "invoice",
        invoice.pk,
        order.pk,
        "order",
    )
    assert [(line.order_line_id, line.quantity, line.net_amount) for line in draft.lines.all()] == [
        (order.lines.get().pk, D("4"), D("120.00"))
    ]
    assert draft.amount_total == D("145.20")
    assert list(invoice.corrections.all()) == [draft]

    # when: the corrected draft is posted
    posted = invoice_post(invoice=draft, by=billing)

    # then: the order is invoiced again, by the new invoice only
    order.refresh_from_db()
    assert order.state == "invoiced"
    assert order.lines.get().qty_invoiced == D("4")
    assert Invoice.objects.filter(order=order, state="posted").get() == posted
    debit, credit = journal_balance()
    assert debit == credit


def test_a_canceled_invoice_and_its_cancellation_note_are_in_no_figure_aging_statement_or_proposal(clerk, billing):
    import datetime

    import pytest

    from core.errors import ValidationFailed
    from invoicing.selectors.aging import AgingReport
    from invoicing.selectors.customer_accounts import customer_figures
    from invoicing.selectors.payments import payment_proposal, settle_candidates
    from invoicing.selectors.statements import customer_statement
    from invoicing.services.payments import ApplicationInput, credit_note_set_off, payment_register

    # given: two invoices of one customer; the first is canceled
    lamp = ItemFactory(number="LAMP", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    customer = make_customer()
    invoices = []
    for _ in range(2):
        order = order_confirm(order=make_order(customer=customer, lines=[(lamp, "10")], by=clerk), by=clerk)
        line = order.lines.get()
        packing_slip_post(
            packing_slip=packing_slip_create(order=order, quantities={line.pk: D("10")}, by=clerk), by=clerk
        )
        invoices.append(
            invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=billing), by=billing)
        )
    canceled, kept = invoices
    invoice_cancel(invoice=canceled, by=billing)
    note = canceled.credit_notes.get()
    today = note.invoice_date

    # then: only the kept invoice is owed, aged, stated and proposed
    figures = customer_figures(customer=customer)
    assert (figures["open_invoices"], figures["open_credits"]) == (D("151.25"), D("0"))
    [row] = list(AgingReport(as_of=today))
    assert row.total == D("151.25")
    statement = customer_statement(customer=customer, date_from=today - datetime.timedelta(days=1), date_to=today)
    assert [line.number for line in statement.lines] == [kept.number]
    payment = payment_register(customer=customer, amount=D("500.00"), reference=canceled.number, by=billing)
    assert [proposed.invoice for proposed in payment_proposal(payment=payment)] == [kept]
    assert note not in settle_candidates(customer_id=customer.pk, kinds=("invoice", "credit_note"))
    # and the cancellation note cannot be set off against the other invoice
    with pytest.raises(ValidationFailed, match="nothing to settle"):
        credit_note_set_off(credit_note=note, applications=[ApplicationInput(invoice=kept)], by=billing)
