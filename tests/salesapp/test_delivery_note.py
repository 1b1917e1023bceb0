"""The delivery note of a posted packing slip: what it ships, what is still to come, where and for which order."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.errors import TransitionRefused
from salesapp.documents import delivery_note_pdf
from salesapp.models import SalesOrder
from salesapp.selectors.orders import delivery_address_lines
from salesapp.selectors.packing_slips import delivery_note_lines
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def shipped_twice(clerk):
    """An order of 10 A-100 and 4 B-200: a first slip ships 6 A, a second 3 A and 4 B."""
    a = ItemFactory(number="A-100", name="Desk lamp", stock=20)
    b = ItemFactory(number="B-200", name="Lamp shade", stock=20)
    order = make_order(lines=[(a, "10"), (b, "4")], by=clerk)
    SalesOrder.objects.filter(pk=order.pk).update(customer_reference="PO-7781", external_document_number="EXT-55")
    order = order_confirm(order=order, by=clerk)
    line_a, line_b = order.lines.order_by("line_no")
    first = packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("0")}, by=clerk),
        by=clerk,
    )
    second = packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line_a.pk: D("3"), line_b.pk: D("4")}, by=clerk),
        by=clerk,
    )
    return order, first, second


def test_each_note_says_what_was_still_to_come_after_it(shipped_twice, django_assert_num_queries):
    _, first, second = shipped_twice
    with django_assert_num_queries(3):  # the slip's lines, earlier slips, the order's lines
        after_first = [(n.order_line.item.number, n.shipped, n.to_come) for n in delivery_note_lines(first)]
    # the first note, printed after the second slip, still says what was to come then: 10 − 6, and all 4 B
    assert after_first == [("A-100", D("6"), D("4")), ("B-200", D("0"), D("4"))]
    assert [(n.order_line.item.number, n.shipped, n.to_come) for n in delivery_note_lines(second)] == [
        ("A-100", D("3"), D("1")),
        ("B-200", D("4"), D("0")),
    ]


def test_the_pdf_names_the_slip_order_references_address_and_quantities(shipped_twice):
    order, first, _ = shipped_twice
    content, filename = delivery_note_pdf(first)
    text = pdf_text(content)
    assert filename == f"{first.number}.pdf"
    assert f"Delivery note {first.number}" in text
    for expected in (
        f"Order number {order.number}",
        "Your reference PO-7781",
        "Your order number EXT-55",
        f"Ship date {first.ship_date.isoformat()}",
    ):
        assert expected in text
    assert (
        "Line Item Description Shipped Still to come Unit\n10 A-100 Desk lamp 6 4 pcs\n20 B-200 Lamp shade 0 4 pcs"
        in text
    )
    assert "Delivery address\n" + "\n".join(delivery_address_lines(order)) in text


def test_a_return_receipt_has_its_own_title(clerk):
    item = ItemFactory(number="R-1", stock=3)
    sold = order_confirm(order=make_order(lines=[(item, "3")], by=clerk), by=clerk)
    line = sold.lines.get()
    packing_slip_post(packing_slip=packing_slip_create(order=sold, by=clerk), by=clerk)
    returned = order_confirm(
        order=returned_order_create(order=sold, quantities={line.pk: D("2")}, return_reason="Broken", by=clerk),
        by=clerk,
    )
    receipt = returned_goods_receive(order=returned, by=clerk)
    text = pdf_text(delivery_note_pdf(receipt)[0])
    assert f"Return receipt {receipt.number}" in text and returned.rma_number in text
    assert "Delivery note" not in text


def test_a_draft_has_no_delivery_note(clerk):
    order = order_confirm(order=make_order(lines=[(ItemFactory(stock=5), "2")], by=clerk), by=clerk)
    draft = packing_slip_create(order=order, by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        delivery_note_pdf(draft)
    assert refused.value.code == "packing-slip-not-posted"


def test_the_page_links_the_pdf_and_serves_it(client, clerk, shipped_twice):
    _, first, _ = shipped_twice
    client.force_login(clerk)
    url = reverse("salesapp:packing_slip_pdf", args=[first.pk])
    assert f'href="{url}"' in client.get(reverse("salesapp:packing_slip_detail", args=[first.pk])).content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert f"Delivery note {first.number}" in pdf_text(response.content)


def test_the_api_serves_the_pdf_and_refuses_a_draft(clerk, integrator, shipped_twice):
    order, first, _ = shipped_twice
    api = api_client(integrator)
    response = api.get(f"/api/v1/packing-slips/{first.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert first.number in pdf_text(response.content)
    other = order_confirm(order=make_order(lines=[(ItemFactory(stock=5), "2")], by=clerk), by=clerk)
    draft = packing_slip_create(order=other, by=clerk)
    assert problem(api.get(f"/api/v1/packing-slips/{draft.pk}/pdf/"), 409)["code"] == "packing-slip-not-posted"
