"""Value-only credit notes (price correction, goodwill), and the refusals of cancel and correct."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from invoicing.models import Invoice, JournalLine
from invoicing.selectors.credit_notes import invoice_lines_to_credit
from invoicing.services.credit_notes import credit_note_create, invoice_cancel, invoice_correct
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.models import SalesOrderLine
from salesapp.services.orders import order_confirm
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.salesapp import ItemFactory, make_order, tax_code

D = Decimal


@pytest.fixture
def posted(clerk, billing):
    """10 × A-100 at 12.50 (125.00) and 2 × B-200 at 40.00 (80.00), 21 %: 205.00 + 43.05 = 248.05."""
    item_a = ItemFactory(number="A-100", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    item_b = ItemFactory(number="B-200", unit_price=D("40.00"), tax_code=tax_code("NL21"))
    order = order_confirm(order=make_order(lines=[(item_a, "10"), (item_b, "2")], by=clerk), by=clerk)
    return invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=billing), by=billing)


def ledger_quantities(invoice):
    return list(
        SalesOrderLine.objects.filter(order_id=invoice.order_id)
        .order_by("line_no")
        .values_list("qty_delivered", "qty_invoiced", "qty_credited")
    )


def state_of(invoice):
    invoice.refresh_from_db()
    return (
        invoice.state,
        invoice.payment_state,
        Invoice.objects.count(),
        JournalLine.objects.count(),
        ledger_quantities(invoice),
    )


def test_a_value_only_credit_note_credits_amounts_and_posts_a_reversing_entry(posted, billing):
    line_a, line_b = posted.lines.order_by("line_no")
    before = ledger_quantities(posted)

    # when: 20.00 off line A as an amount, and 2 × 5.00 off line B as a price correction
    note = credit_note_create(
        invoice=posted,
        lines={line_a.pk: D("20.00"), line_b.pk: (D("2"), D("5.00"))},
        reason="Price correction",
        by=billing,
    )

    # then: a draft credit note of −30.00 + 21 % = −36.30 that names the invoice and its lines
    assert (note.state, note.kind, note.credit_kind, note.credited_invoice_id, note.credit_reason) == (
        "draft",
        "credit_note",
        "value_only",
        posted.pk,
        "Price correction",
    )
    assert [
        (cl.credited_line_id, cl.quantity, cl.unit_price, cl.net_amount) for cl in note.lines.order_by("line_no")
    ] == [
        (line_a.pk, D("-1"), D("20.00"), D("-20.00")),
        (line_b.pk, D("-2"), D("5.00"), D("-10.00")),
    ]
    assert (note.amount_net, note.amount_tax, note.amount_total) == (D("-30.00"), D("-6.30"), D("-36.30"))
    assert [(line.credited, line.remaining) for line in invoice_lines_to_credit(posted)] == [
        (D("20.00"), D("105.00")),
        (D("10.00"), D("70.00")),
    ]

    # when: posted
    note = invoice_post(invoice=note, by=billing)

    # then: its own number series, a journal entry that reverses receivable, revenue and tax; no quantity moved
    assert note.number.startswith("CN-")
    postings = JournalLine.objects.filter(entry__invoice=note)
    assert {(p.account.number, p.debit, p.credit) for p in postings} == {
        ("1300", D("0"), D("36.30")),
        ("8000", D("30.00"), D("0")),
        ("1600", D("6.30"), D("0")),
    }
    totals = JournalLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert totals["debit"] == totals["credit"]
    assert ledger_quantities(posted) == before
    assert list(posted.credit_notes.all()) == [note]


def test_a_second_credit_note_may_not_exceed_what_remains_on_the_line(posted, billing):
    line_a = posted.lines.get(line_no=10)
    credit_note_create(invoice=posted, lines={line_a.pk: D("100.00")}, reason="Goodwill", by=billing)
    before = state_of(posted)

    # when: another 30.00 on line A, of which only 25.00 remains (125.00 − 100.00 on the draft note)
    with pytest.raises(ValidationFailed) as refused:
        credit_note_create(invoice=posted, lines={line_a.pk: D("30.00")}, reason="Goodwill again", by=billing)

    # then: refused naming the line and what remains; nothing changed
    assert refused.value.code == "credit-exceeds-remainder"
    assert refused.value.field_errors == {
        f"lines[{line_a.pk}].amount": "Line 10 (A-100): 30.00 to credit, but only 25.00 remains uncredited."
    }
    assert state_of(posted) == before
    # exactly what remains is accepted
    credit_note_create(invoice=posted, lines={line_a.pk: D("25.00")}, reason="Goodwill again", by=billing)


def test_credit_note_input_errors_name_the_fields(posted, billing):
    line_a = posted.lines.get(line_no=10)
    with pytest.raises(ValidationFailed) as refused:
        credit_note_create(invoice=posted, lines={line_a.pk: D("-1"), 999999: D("1")}, reason=" ", by=billing)
    assert set(refused.value.field_errors) == {"reason", f"lines[{line_a.pk}].amount", "lines[999999]"}
    with pytest.raises(ValidationFailed) as refused:
        credit_note_create(invoice=posted, lines={}, reason="Goodwill", by=billing)
    assert list(refused.value.field_errors) == ["lines"]
    assert not posted.credit_notes.exists()


def test_a_draft_or_a_credit_note_is_not_credited(posted, clerk, billing):
    note = credit_note_create(
        invoice=posted, lines={posted.lines.get(line_no=10).pk: D("1.00")}, reason="Goodwill", by=billing
    )
    with pytest.raises(TransitionRefused, match="is a credit note"):
        credit_note_create(invoice=note, lines={}, reason="x", by=billing)


def test_a_partly_paid_invoice_refuses_cancel_and_correct(posted, billing):
    # given: 100.00 of 248.05 paid
    payment_register(
        customer=posted.customer, amount=D("100.00"), applications=[ApplicationInput(invoice=posted)], by=billing
    )
    before = state_of(posted)

    # when / then: refused with the reason, nothing changed
    for action in (invoice_cancel, invoice_correct):
        with pytest.raises(TransitionRefused, match="paid or partly paid: use a credit note and a refund"):
            action(invoice=posted, by=billing)
    assert state_of(posted) == before
    assert before[1] == "partially_paid"


def test_a_paid_invoice_refuses_cancel(posted, billing):
    payment_register(
        customer=posted.customer, amount=D("248.05"), applications=[ApplicationInput(invoice=posted)], by=billing
    )
    before = state_of(posted)
    with pytest.raises(TransitionRefused, match="use a credit note and a refund") as refused:
        invoice_cancel(invoice=posted, by=billing)
    assert refused.value.code == "invoice-not-cancelable"
    assert state_of(posted) == before


def test_a_canceled_invoice_a_draft_and_a_credit_note_refuse_cancel(posted, clerk, billing):
    invoice_cancel(invoice=posted, by=billing)
    note = posted.credit_notes.get()
    with pytest.raises(TransitionRefused, match="canceled already"):
        invoice_cancel(invoice=posted, by=billing)
    with pytest.raises(TransitionRefused, match="is a credit note"):
        invoice_cancel(invoice=note, by=billing)
    with pytest.raises(TransitionRefused, match="nothing is left to credit"):
        credit_note_create(invoice=posted, lines={}, reason="x", by=billing)
    order = posted.order
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    with pytest.raises(TransitionRefused, match="delete it"):
        invoice_cancel(invoice=draft, by=billing)


def test_an_invoice_with_a_value_credit_note_refuses_cancel(posted, billing):
    credit_note_create(invoice=posted, lines={posted.lines.get(line_no=10).pk: D("1.00")}, reason="x", by=billing)
    with pytest.raises(TransitionRefused, match="has credit notes already"):
        invoice_cancel(invoice=posted, by=billing)


def test_cancel_needs_the_permission(posted, clerk):
    before = state_of(posted)
    with pytest.raises(ActionForbidden):
        invoice_cancel(invoice=posted, by=clerk)
    assert state_of(posted) == before


def test_the_database_refuses_canceling_without_the_credit_note(posted):
    before = state_of(posted)
    with (
        pytest.raises(DatabaseError, match="cannot go from posted to canceled"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE invoicing_invoice SET state = 'canceled' WHERE id = %s", [posted.pk])
    assert state_of(posted) == before


def test_the_database_refuses_reopening_a_canceled_invoice(posted, billing):
    invoice_cancel(invoice=posted, by=billing)
    with (
        pytest.raises(DatabaseError, match="cannot go from canceled to posted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE invoicing_invoice SET state = 'posted' WHERE id = %s", [posted.pk])
    posted.refresh_from_db()
    assert posted.state == "canceled"


def test_a_returned_orders_credit_note_names_the_invoice_and_line_it_credits(posted, clerk, billing):
    # given: 3 of the 10 A-100 of the posted invoice come back
    line_a = posted.lines.get(line_no=10)
    returned = returned_order_create(order=posted.order, quantities={line_a.order_line_id: D("3")}, by=clerk)
    returned_goods_receive(order=order_confirm(order=returned, by=clerk), by=clerk)

    # when: the returned order is invoiced
    note = invoice_create_from_order(order=returned, basis="packing_slips", by=billing)

    # then: a return credit note of 3 × 12.50 that names the invoice and its line, and counts against the line
    assert (note.kind, note.credit_kind, note.credited_invoice_id) == ("credit_note", "return", posted.pk)
    assert [(line.credited_line_id, line.net_amount) for line in note.lines.all()] == [(line_a.pk, D("-37.50"))]
    assert invoice_lines_to_credit(posted)[0].remaining == D("87.50")
    invoice_post(invoice=note, by=billing)
    assert list(posted.credit_notes.all()) == [note]
