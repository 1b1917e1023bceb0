"""Invoices as the product makes them: order → confirm → (packing slip →) invoice → post, through the services,
with ``by`` explicit (who drafts, who posts)."""

from decimal import Decimal

from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import Item
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code


def draft_invoice(*, by, customer=None, quantity: str = "1", price: str = "100.00", item=None) -> Invoice:
    """A draft invoice (basis "order") for one line of ``quantity`` × ``price`` (21 % unless ``item`` says else)."""
    item = item or ItemFactory(unit_price=Decimal(price))
    order = make_order(customer=customer, lines=[(item, quantity)], by=by)
    order = order_confirm(order=order, by=by)
    return invoice_create_from_order(order=order, basis="order", by=by)


def posted_invoice(
    *, by, post_by=None, invoice_date=None, store_pdf: bool = True, customer=None, quantity="1", price="100.00"
) -> Invoice:
    """``draft_invoice`` posted by ``post_by`` (default ``by``): one line of 100.00 at 21 % gives 121.00."""
    draft = draft_invoice(by=by, customer=customer, quantity=quantity, price=price)
    return invoice_post(invoice=draft, invoice_date=invoice_date, store_pdf=store_pdf, by=post_by or by)


def lamp_and_desk():
    """A at 12.50 (21 %) and B at 30.00 (9 %), created once per test."""
    item_a = Item.objects.filter(number="A").first() or ItemFactory(
        number="A", name="Lamp", unit_price=Decimal("12.50"), tax_code=tax_code("NL21")
    )
    item_b = Item.objects.filter(number="B").first() or ItemFactory(
        number="B", name="Desk", unit_price=Decimal("30.00"), tax_code=tax_code("NL9")
    )
    return item_a, item_b


def confirmed_order(*, by, customer=None):
    """10 × A and 4 × B: 245.00 net, 282.05 gross."""
    item_a, item_b = lamp_and_desk()
    order = make_order(customer=customer or make_customer(), lines=[(item_a, "10"), (item_b, "4")], by=by)
    return order_confirm(order=order, by=by)


def partly_delivered_order(*, by, customer=None):
    """6 A and 4 B shipped on one posted packing slip: 195.00 net to invoice."""
    order = confirmed_order(by=by, customer=customer)
    line_a, line_b = order.lines.order_by("line_no")
    slip = packing_slip_create(order=order, quantities={line_a.pk: Decimal("6"), line_b.pk: Decimal("4")}, by=by)
    return order, packing_slip_post(packing_slip=slip, by=by)


def posted_slip_invoice(*, by, post_by=None, customer=None) -> Invoice:
    """The packing slip of ``partly_delivered_order`` invoiced and posted: 221.55, unpaid."""
    order, _slip = partly_delivered_order(by=by, customer=customer)
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=by)
    return invoice_post(invoice=invoice, by=post_by or by)


def posted_credit_note(*, invoice: Invoice, by, post_by, quantity: str = "1", invoice_date=None) -> Invoice:
    """A posted credit note for ``quantity`` of ``invoice``'s one line returned (a returned order received by
    ``by``, invoiced and posted by ``post_by``): of ``posted_invoice``'s 121.00, one returned gives −121.00."""
    order = invoice.order
    returned = returned_order_create(order=order, quantities={order.lines.get().pk: Decimal(quantity)}, by=by)
    returned_goods_receive(order=order_confirm(order=returned, by=by), by=by)
    draft = invoice_create_from_order(order=returned, basis="packing_slips", by=post_by)
    return invoice_post(invoice=draft, invoice_date=invoice_date, store_pdf=False, by=post_by)
