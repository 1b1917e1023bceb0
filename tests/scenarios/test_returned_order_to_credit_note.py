"""Scenario (issue "Sales orders in full"): goods come back. A returned order gets its RMA number, a return
receipt records what came back and what happens to it, and invoicing it makes a credit note that reverses
revenue, tax and the receivable, so the customer's balance goes down."""

from decimal import Decimal

from django.db.models import Sum

from invoicing.models import JournalLine
from invoicing.selectors.customer_accounts import customer_balance
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.returns import returned_order_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


def test_returned_order_rma_receipt_credit_note_lowers_the_balance(clerk, billing):
    # given: 10 lamps at 12.50 and 4 desks at 30.00 (21 %), shipped and invoiced: 245.00 + 21 % = 296.45
    lamp = ItemFactory(number="LAMP", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    desk = ItemFactory(number="DESK", unit_price=D("30.00"), tax_code=tax_code("NL21"))
    customer = make_customer()
    order = order_confirm(order=make_order(customer=customer, lines=[(lamp, "10"), (desk, "4")], by=clerk), by=clerk)
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=billing), by=billing)
    assert invoice.amount_total == D("296.45")
    assert customer_balance(customer=customer)["balance"] == D("296.45")
    lamp_line, desk_line = order.lines.order_by("line_no")

    # when: the customer sends back 3 lamps (one broken) and 1 desk
    returned = returned_order_create(
        order=order, quantities={lamp_line.pk: D("3"), desk_line.pk: D("1")}, return_reason="Damaged", by=clerk
    )

    # then: a returned order with its RMA number, at the prices sold
    assert returned.order_type == "returned_order"
    assert returned.rma_number == "RMA-000001"
    assert returned.return_reason == "Damaged"
    assert [
        (line.item.number, line.quantity, line.unit_price, line.returned_line_id)
        for line in returned.lines.order_by("line_no")
    ] == [("LAMP", D("3"), D("12.50"), lamp_line.pk), ("DESK", D("1"), D("30.00"), desk_line.pk)]
    assert (returned.amount_net, returned.amount_total) == (D("67.50"), D("81.68"))

    # when: confirmed and received (2 lamps back to stock, 1 scrapped on a second receipt line set)
    returned = order_confirm(order=returned, by=clerk)
    assert returned.state == "confirmed"
    r_lamp, r_desk = returned.lines.order_by("line_no")
    receipt = packing_slip_create(
        order=returned,
        quantities={r_lamp.pk: D("3"), r_desk.pk: D("1")},
        dispositions={r_lamp.pk: "scrap"},
        by=clerk,
    )
    receipt = packing_slip_post(packing_slip=receipt, by=clerk)

    # then: a return receipt from its own series; the original lines carry what came back
    assert receipt.number == "RR-000001"
    assert sorted((line.order_line_id, line.disposition) for line in receipt.lines.all()) == [
        (r_lamp.pk, "scrap"),
        (r_desk.pk, "back_to_stock"),
    ]
    lamp_line.refresh_from_db()
    desk_line.refresh_from_db()
    assert (lamp_line.qty_delivered, lamp_line.qty_returned) == (D("10"), D("3"))
    assert (desk_line.qty_delivered, desk_line.qty_returned) == (D("4"), D("1"))
    assert SalesOrder.objects.get(pk=returned.pk).state == "delivered"

    # when: the returned order is invoiced
    credit = invoice_create_from_order(order=returned, basis="packing_slips", by=billing)
    credit = invoice_post(invoice=credit, by=billing)

    # then: a credit note from its own series, negative amounts, the journal reversed, the balance lower
    assert (credit.kind, credit.number) == ("credit_note", "CN-000001")
    assert (credit.amount_net, credit.amount_tax, credit.amount_total) == (D("-67.50"), D("-14.18"), D("-81.68"))
    assert [line.quantity for line in credit.lines.order_by("line_no")] == [D("-3"), D("-1")]
    assert credit.due_date == credit.invoice_date
    entry = credit.journal_entries.get()
    receivable = entry.lines.get(customer_id=customer.pk)
    assert (receivable.debit, receivable.credit) == (D("0"), D("81.68"))
    assert entry.lines.aggregate(debit=Sum("debit"), credit=Sum("credit")) == {
        "debit": D("81.68"),
        "credit": D("81.68"),
    }
    assert customer_balance(customer=customer)["balance"] == D("214.77")
    assert SalesOrder.objects.get(pk=returned.pk).state == "invoiced"
    assert [(line.qty_delivered, line.qty_invoiced) for line in SalesOrder.objects.get(pk=returned.pk).lines.all()] == [
        (D("3"), D("3")),
        (D("1"), D("1")),
    ]
    # the original order keeps its own ledger: invoiced, nothing to invoice again
    assert SalesOrder.objects.get(pk=order.pk).state == "invoiced"
    all_lines = JournalLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert all_lines["debit"] == all_lines["credit"]
