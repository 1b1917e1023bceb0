"""The demo company's returns: goods a customer sent back and were credited, and a return still on its way."""

from __future__ import annotations

import datetime

from invoicing.choices import InvoiceBasis
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.choices import ReturnDisposition
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from salesapp.services.returns import returned_goods_receive, returned_order_create


def demo_returns_build(*, invoices: list[Invoice], today: datetime.date, clerk=None, billing=None) -> list[SalesOrder]:
    """From the two most recent invoiced orders of customers who are not blocked: one unit of the first line
    of each comes back. The first return is received (scrapped: damaged in transit) and credited; the second
    is confirmed and waits for the goods."""
    sources = []
    for invoice in sorted(invoices, key=lambda invoice: (invoice.invoice_date, invoice.pk), reverse=True):
        order = invoice.order
        if (
            order is None
            or order.customer.blocked
            or any(source.customer_id == order.customer_id for source in sources)
        ):
            continue
        sources.append(order)
        if len(sources) == 2:
            break
    returned = []
    for index, (order, reason) in enumerate(zip(sources, ("Damaged in transit", "Wrong model ordered"), strict=False)):
        line = order.lines.exclude(line_type="comment").order_by("line_no").first()
        created = returned_order_create(
            order=order, quantities={line.pk: line.qty_delivered.min(1)}, return_reason=reason, by=clerk
        )
        created = order_confirm(order=created, by=clerk)
        if index == 0:
            returned_goods_receive(
                order=created,
                dispositions={created.lines.get().pk: ReturnDisposition.SCRAP},
                receipt_date=today,
                by=clerk,
            )
            credit = invoice_create_from_order(order=created, basis=InvoiceBasis.PACKING_SLIPS, by=billing)
            invoice_post(invoice=credit, invoice_date=today, store_pdf=False, by=billing)
        returned.append(created)
    return returned
