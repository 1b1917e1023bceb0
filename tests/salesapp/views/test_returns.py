"""The clerk's pages for goods coming back: return goods from a delivered order, receive them on a return
receipt, credit them with a credit note."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.documents import invoice_pdf
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import PackingSlip, SalesOrder
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code
from tests.invoicing.test_documents import pdf_text

D = Decimal


@pytest.fixture
def delivered(clerk):
    """5 × A-100 Anvil at 12.50 and 2 × B-200 Bucket at 30.00, delivered."""
    anvil = ItemFactory(number="A-100", name="Anvil", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    bucket = ItemFactory(number="B-200", name="Bucket", unit_price=D("30.00"), tax_code=tax_code("NL21"))
    order = order_confirm(
        order=make_order(customer=make_customer(), lines=[(anvil, "5"), (bucket, "2")], by=clerk), by=clerk
    )
    packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    return order


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_order_page_offers_return_goods_once_something_is_delivered(client, clerk, delivered):
    client.force_login(clerk)
    open_order = make_order(customer=delivered.customer, lines=[(ItemFactory(), "1")], by=clerk)

    delivered_page = client.get(reverse("salesapp:order_detail", args=[delivered.pk])).content.decode()
    open_page = client.get(reverse("salesapp:order_detail", args=[open_order.pk])).content.decode()

    assert reverse("salesapp:returned_order_create", args=[delivered.pk]) in delivered_page
    assert reverse("salesapp:returned_order_create", args=[open_order.pk]) not in open_page
    assert ">Returned</th>" in delivered_page  # the ledger's returned column


def test_the_return_page_lists_what_can_come_back(client, clerk, delivered, django_assert_max_num_queries):
    client.force_login(clerk)
    lines = list(delivered.lines.order_by("line_no"))
    returned_order_create(order=delivered, quantities={lines[1].pk: D("2")}, by=clerk)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("salesapp:returned_order_create", args=[delivered.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    # the buckets are all being returned already: only the anvils are offered
    assert [(line.pk, returnable, field.value()) for line, returnable, field in form.rows()] == [
        (lines[0].pk, D("5"), D("0"))
    ]


def test_returning_creates_the_returned_order_and_opens_it(client, clerk, delivered):
    client.force_login(clerk)
    anvil = delivered.lines.get(line_no=10)

    response = client.post(
        reverse("salesapp:returned_order_create", args=[delivered.pk]),
        {f"quantity_{anvil.pk}": "2", "return_reason": "Dented"},
        follow=True,
    )

    returned = SalesOrder.objects.get(order_type="returned_order")
    assert response.redirect_chain == [(reverse("salesapp:order_detail", args=[returned.pk]), 302)]
    assert messages_of(response) == [
        f"Returned order {returned.number} created with RMA number RMA-000001: confirm it, then receive the goods."
    ]
    page = response.content.decode()
    assert f"Returned order {returned.number}" in page
    assert "Dented" in page
    assert f'Returns line 10 of order <a href="{reverse("salesapp:order_detail", args=[delivered.pk])}">' in page


def test_returning_too_much_shows_the_error_on_the_row_and_saves_nothing(client, clerk, delivered):
    client.force_login(clerk)
    anvil = delivered.lines.get(line_no=10)

    response = client.post(
        reverse("salesapp:returned_order_create", args=[delivered.pk]), {f"quantity_{anvil.pk}": "6"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"quantity_{anvil.pk}": [
            f"Only 5 pcs of A-100 from order {delivered.number} can still be returned (delivered 5); 6 asked."
        ]
    }
    assert SalesOrder.objects.filter(order_type="returned_order").count() == 0


def test_a_returned_order_is_received_on_a_return_receipt_with_dispositions(client, clerk, delivered):
    client.force_login(clerk)
    anvil = delivered.lines.get(line_no=10)
    returned = order_confirm(
        order=returned_order_create(order=delivered, quantities={anvil.pk: D("3")}, by=clerk), by=clerk
    )
    line = returned.lines.get()
    url = reverse("salesapp:packing_slip_create") + f"?order={returned.pk}"

    order_page = client.get(reverse("salesapp:order_detail", args=[returned.pk])).content.decode()
    form_page = client.get(url)
    response = client.post(
        url, {"ship_date": "2026-11-30", f"quantity_{line.pk}": "3", f"disposition_{line.pk}": "scrap"}, follow=True
    )

    assert "Receive returned goods" in order_page and "Create packing slip" not in order_page
    assert "New return receipt" in form_page.content.decode()
    receipt = PackingSlip.objects.get(order=returned)
    assert messages_of(response) == ["Draft return receipt created: check it and post it to receive."]
    assert list(receipt.lines.values_list("quantity", "disposition")) == [(D("3"), "scrap")]
    assert "Draft return receipt" in response.content.decode()


def test_the_credit_note_pages_and_pdf_say_credit_note(client, clerk, billing, delivered):
    anvil = delivered.lines.get(line_no=10)
    returned = order_confirm(
        order=returned_order_create(order=delivered, quantities={anvil.pk: D("2")}, by=clerk), by=clerk
    )
    returned_goods_receive(order=returned, by=clerk)
    client.force_login(billing)

    create_page = client.get(reverse("invoicing:invoice_create") + f"?order={returned.pk}").content.decode()
    order_page = client.get(reverse("salesapp:order_detail", args=[returned.pk])).content.decode()
    credit = invoice_post(
        invoice=invoice_create_from_order(order=returned, basis="packing_slips", by=billing), by=billing
    )
    detail = client.get(reverse("invoicing:invoice_detail", args=[credit.pk])).content.decode()
    listed = client.get(reverse("invoicing:invoice_list"), {"kind": "credit_note"})

    assert f"Credit returned order {returned.number}" in create_page and "Create draft credit note" in create_page
    assert "Create credit note" in order_page
    assert "Credit note CN-000001" in detail
    assert [invoice.number for invoice in listed.context["page_obj"]] == ["CN-000001"]
    text = " ".join(pdf_text(invoice_pdf(Invoice.objects.get(pk=credit.pk))[0]).split())
    assert "Credit note CN-000001" in text and "RMA-000001" in text and "-30.25" in text


def test_a_blocked_customer_gets_no_returned_order_and_the_page_says_why(client, clerk, delivered):
    client.force_login(clerk)
    delivered.customer.blocked = True
    delivered.customer.blocked_reason = "Insolvent"
    delivered.customer.save()
    anvil = delivered.lines.get(line_no=10)

    response = client.post(
        reverse("salesapp:returned_order_create", args=[delivered.pk]), {f"quantity_{anvil.pk}": "1"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Customer {delivered.customer.number} is blocked: Insolvent."
    ]
    assert f"Customer {delivered.customer.number} is blocked: Insolvent." in response.content.decode()
    assert SalesOrder.objects.filter(order_type="returned_order").count() == 0


def test_a_posted_invoice_offers_return_goods_for_its_order(client, clerk, billing, delivered):
    invoice = invoice_post(
        invoice=invoice_create_from_order(order=delivered, basis="packing_slips", by=billing), by=billing
    )
    client.force_login(clerk)

    page = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()

    assert f'href="{reverse("salesapp:returned_order_create", args=[delivered.pk])}"' in page
