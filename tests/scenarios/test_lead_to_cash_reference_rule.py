"""The reference rule: an order is invoiced only when both remainders are zero on every line."""

from decimal import Decimal

from invoicing.models import JournalLine
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


def remainders(order):
    return [
        (line.item.number, line.deliver_remainder, line.invoice_remainder) for line in order.lines.order_by("line_no")
    ]


def test_partial_deliveries_invoiced_from_packing_slips(clerk, billing):
    # given: 10 × A at 12.50 (21 %) and 4 × B at 30.00 (9 %)
    item_a = ItemFactory(number="A", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    item_b = ItemFactory(number="B", unit_price=D("30.00"), tax_code=tax_code("NL9"))
    customer = make_customer(payment_terms_days=14)
    order = make_order(customer=customer, lines=[(item_a, "10"), (item_b, "4")], by=clerk)
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("245.00"), D("37.05"), D("282.05"))
    order = order_confirm(order=order, by=clerk)
    line_a, line_b = order.lines.order_by("line_no")

    # when: ship 6 A + 4 B
    slip1 = packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("4")}, by=clerk)
    slip1 = packing_slip_post(packing_slip=slip1, by=clerk)
    order.refresh_from_db()

    # then: partially delivered, still confirmed
    assert slip1.number == "PS-000001"
    assert order.state == "confirmed"
    assert remainders(order) == [("A", D("4"), D("6")), ("B", D("0"), D("4"))]

    # when: invoice from packing slips and post
    invoice1 = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    invoice1 = invoice_post(invoice=invoice1, by=billing)
    order.refresh_from_db()

    # then: exact totals, order still confirmed (4 A to deliver)
    assert (invoice1.amount_net, invoice1.amount_tax, invoice1.amount_total) == (
        D("195.00"),
        D("26.55"),
        D("221.55"),
    )
    assert [(t.tax_code.code, t.base, t.amount) for t in invoice1.taxes.order_by("tax_code__code")] == [
        ("NL21", D("75.00"), D("15.75")),
        ("NL9", D("120.00"), D("10.80")),
    ]
    assert invoice1.number == "INV-000001"
    assert (invoice1.due_date - invoice1.invoice_date).days == 14
    assert order.state == "confirmed"
    assert remainders(order) == [("A", D("4"), D("0")), ("B", D("0"), D("0"))]

    # when: ship the last 4 A
    slip2 = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    order.refresh_from_db()

    # then: delivered, not yet invoiced
    assert slip2.number == "PS-000002"
    assert order.state == "delivered"
    assert remainders(order) == [("A", D("0"), D("4")), ("B", D("0"), D("0"))]

    # when: invoice again
    invoice2 = invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=clerk), by=billing)
    order.refresh_from_db()

    # then: only the second posting makes the order invoiced
    assert (invoice2.amount_net, invoice2.amount_tax, invoice2.amount_total) == (
        D("50.00"),
        D("10.50"),
        D("60.50"),
    )
    assert invoice2.number == "INV-000002"
    assert order.state == "invoiced"
    assert remainders(order) == [("A", D("0"), D("0")), ("B", D("0"), D("0"))]
    assert invoice1.amount_total + invoice2.amount_total == order.amount_total

    # and every invoice wrote a balanced journal entry: receivable / revenue / output tax
    for invoice in (invoice1, invoice2):
        postings = JournalLine.objects.filter(entry__invoice=invoice)
        assert sum(p.debit for p in postings) == sum(p.credit for p in postings) == invoice.amount_total
    assert sorted(
        (p.account.number, p.debit, p.credit) for p in JournalLine.objects.filter(entry__invoice=invoice1)
    ) == [
        ("1300", D("221.55"), D("0.00")),
        ("1600", D("0.00"), D("15.75")),
        ("1610", D("0.00"), D("10.80")),
        ("8000", D("0.00"), D("195.00")),
    ]
