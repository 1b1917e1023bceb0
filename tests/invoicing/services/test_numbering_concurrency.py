"""Gapless invoice numbers when many clerks post at once (DESIGN.md §5)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import ActionForbidden
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_customer, make_order

THREADS = 8
INVOICES = 40


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_postings_take_every_number_once(billing, clerk):
    # given: 40 draft invoices, one per order
    item = ItemFactory(unit_price=Decimal("5.00"))
    customer = make_customer()
    drafts = []
    for _ in range(INVOICES):
        order = order_confirm(order=make_order(customer=customer, lines=[(item, "2")], by=clerk), by=clerk)
        drafts.append(invoice_create_from_order(order=order, basis="order", by=clerk))
    refused_draft = drafts.pop()
    errors: list[Exception] = []
    barrier = threading.Barrier(THREADS + 1)

    def post_share(share):
        barrier.wait()
        try:
            for invoice in share:
                invoice_post(invoice=invoice, by=billing)
        except Exception as exc:  # collected and shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # when: 8 threads post interleaved shares at the same moment, while a clerk without the
    # posting permission tries to post one more (refused inside its transaction)
    threads = [threading.Thread(target=post_share, args=(drafts[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    with pytest.raises(ActionForbidden):
        invoice_post(invoice=refused_draft, by=clerk)
    for thread in threads:
        thread.join()

    # then: no error, no duplicate, no gap
    assert errors == []
    numbers = sorted(Invoice.objects.exclude(number=None).values_list("number", flat=True))
    assert numbers == [f"INV-{n:06d}" for n in range(1, INVOICES)]
    refused_draft.refresh_from_db()
    assert (refused_draft.state, refused_draft.number) == ("draft", None)
    # the refused posting shipped nothing either: its order is still undelivered
    assert refused_draft.order.lines.get().qty_delivered == 0
