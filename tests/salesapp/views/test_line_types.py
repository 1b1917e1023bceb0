"""Write-in and comment lines on the order and quotation pages: entered, previewed and shown."""

from decimal import Decimal

import pytest
from django.urls import reverse

from salesapp.choices import LineType
from salesapp.models import SalesOrder
from salesapp.services.orders import OrderLineInput, order_create
from salesapp.services.quotations import QuotationLineInput, quotation_create
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_write_in_item, tax_code
from tests.salesapp.views.test_orders import create_payload

D = Decimal


@pytest.fixture
def lamp(db):
    make_write_in_item()
    return ItemFactory(number="LAMP", unit_price=D("12.50"), tax_code=tax_code("NL21"))


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def write_in(text="Bracket 40 mm", quantity="3", price="4.20"):
    return {"line_type": LineType.WRITE_IN, "description": text, "quantity": D(quantity), "unit_price": D(price)}


def comment(text="Deliver to gate 4"):
    return {"line_type": LineType.COMMENT, "description": text, "quantity": D("0")}


def test_a_clerk_adds_a_write_in_and_a_comment_line_on_the_quotation_page(client, clerk, lamp):
    # given
    quotation = quotation_create(party=PartyFactory(), lines=[QuotationLineInput(item=lamp, quantity=D("2"))], by=clerk)
    client.force_login(clerk)
    url = reverse("salesapp:quotation_line_add", args=[quotation.pk])

    # when: the fields the line type hides are not sent
    added_write_in = client.post(
        url,
        {
            "add-line_type": "write_in",
            "add-description": "Bracket 40 mm",
            "add-quantity": "3",
            "add-unit_price": "4.20",
        },
    )
    added_comment = client.post(url, {"add-line_type": "comment", "add-description": "Deliver to gate 4"})

    # then
    assert (added_write_in.status_code, added_comment.status_code) == (302, 302)
    lines = quotation.lines.order_by("line_no")
    assert [(line.line_no, line.line_type, line.description, line.net_amount) for line in lines] == [
        (10, "item", lamp.name, D("25.00")),
        (20, "write_in", "Bracket 40 mm", D("12.60")),
        (30, "comment", "Deliver to gate 4", D("0.00")),
    ]
    quotation.refresh_from_db()
    assert quotation.amount_net == D("37.60")  # 25.00 + 12.60: the comment adds nothing

    # and the page shows the comment as text across the row and the write-in marked
    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert '<td colspan="8" class="line-text">Deliver to gate 4</td>' in page
    assert "write-in</span></td><td>Bracket 40 mm</td>" in " ".join(page.split()).replace("> <", "><")


def test_a_write_in_without_a_price_or_with_an_item_is_refused_naming_the_field(client, clerk, lamp):
    quotation = quotation_create(party=PartyFactory(), lines=[], by=clerk)
    client.force_login(clerk)
    url = reverse("salesapp:quotation_line_add", args=[quotation.pk])

    no_price = client.post(url, {"add-line_type": "write_in", "add-description": "Bracket", "add-quantity": "1"})
    # a browser without scripts sends the item field too
    with_item = client.post(
        url,
        {
            "add-line_type": "write_in",
            "add-item": lamp.pk,
            "add-description": "Bracket",
            "add-quantity": "1",
            "add-unit_price": "5",
        },
    )
    empty_comment = client.post(url, {"add-line_type": "comment", "add-description": " "})

    assert list(no_price.context["line_form"].errors) == ["unit_price"]
    assert list(with_item.context["line_form"].errors) == ["item"]
    assert empty_comment.context["line_form"].errors == {"description": ["A comment line needs its text."]}
    assert quotation.lines.count() == 0


def test_the_line_preview_handles_write_in_and_comment_lines(client, clerk, lamp, django_assert_max_num_queries):
    # given: a quotation with the lamp (2 × 12.50 = 25.00 at 21 %) and a comment line
    quotation = quotation_create(
        party=PartyFactory(),
        lines=[QuotationLineInput(item=lamp, quantity=D("2")), QuotationLineInput(item=None, **comment())],
        by=clerk,
    )
    client.force_login(clerk)
    url = reverse("salesapp:quotation_line_preview", args=[quotation.pk])
    client.get(url)  # warm the session and permission caches

    # when: the prospect's tax group is read too, so the line is previewed with the tax it will carry
    with django_assert_max_num_queries(11):
        written = client.get(
            url,
            {"add-line_type": "write_in", "add-description": "Bracket", "add-quantity": "3", "add-unit_price": "4.20"},
        )
    commented = client.get(url, {"add-line_type": "comment", "add-description": "Fragile"})
    unpriced = client.get(url, {"add-line_type": "write_in", "add-description": "Bracket", "add-quantity": "3"})

    # then: 3 × 4.20 = 12.60; (25.00 + 12.60) × 1.21 = 45.50 (tax 7.90)
    assert "Write-in at the price typed. Price 4.20, discount 0 % (Manual), tax code NL21: line EUR 12.60." in (
        text_of(written)
    )
    assert "Quotation total with this line: EUR 45.50." in text_of(written)
    assert "A comment line: text only, no amount. Quotation total with this line: EUR 30.25." in text_of(commented)
    assert "enter the unit price agreed with the customer." in text_of(unpriced)


def test_the_order_page_adds_a_comment_and_shows_it_across_the_row(client, clerk, lamp, django_assert_max_num_queries):
    # given
    order = order_create(customer=make_customer(), lines=[OrderLineInput(item=lamp, quantity=D("1"))], by=clerk)
    client.force_login(clerk)

    # when: added the way the page does it (htmx)
    response = client.post(
        reverse("salesapp:order_line_add", args=[order.pk]),
        {"add-line_type": "comment", "add-description": "Call before delivery"},
        HTTP_HX_REQUEST="true",
    )

    # then
    assert response.status_code == 200
    assert '<td colspan="12" class="line-text">Call before delivery</td>' in response.content.decode()
    assert [line.line_type for line in order.lines.order_by("line_no")] == ["item", "comment"]

    # and the order page reads its lines in a fixed number of queries, however many text lines it has
    url = reverse("salesapp:order_detail", args=[order.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as two_lines:
        client.get(url)
    few = len(two_lines.captured_queries)
    for text in ("one", "two", "three", "four"):
        client.post(
            reverse("salesapp:order_line_add", args=[order.pk]), {"add-line_type": "comment", "add-description": text}
        )
        client.post(
            reverse("salesapp:order_line_add", args=[order.pk]),
            {"add-line_type": "write_in", "add-description": text, "add-quantity": "1", "add-unit_price": "9"},
        )
    with django_assert_max_num_queries(few):
        page = client.get(url)
    assert page.content.decode().count('class="badge write-in"') == 4


def test_the_new_order_form_takes_write_in_and_comment_rows(client, clerk, lamp):
    # given
    customer = make_customer()
    client.force_login(clerk)
    payload = create_payload(customer, [(lamp, "2", "", ""), (None, "3", "4.20", ""), (None, "", "", "")])
    payload.update(
        {
            "lines-1-line_type": "write_in",
            "lines-1-description": "Bracket 40 mm",
            "lines-2-line_type": "comment",
            "lines-2-description": "Deliver to gate 4",
        }
    )

    # when: previewed, then saved
    preview = client.get(reverse("salesapp:order_create_preview"), payload)
    response = client.post(reverse("salesapp:order_create"), payload)

    # then
    assert [(p.line_type, p.net_amount) for p in preview.context["previews"]] == [
        ("", D("25.00")),
        ("write_in", D("12.60")),
        ("comment", D("0")),
    ]
    assert preview.context["totals"].gross == D("45.50")
    assert '<td colspan="7" class="line-text">Deliver to gate 4</td>' in preview.content.decode()
    assert response.status_code == 302, response.context and response.context["lines"].errors
    order = SalesOrder.objects.get()
    assert [(line.line_type, line.description, line.net_amount) for line in order.lines.order_by("line_no")] == [
        ("item", lamp.name, D("25.00")),
        ("write_in", "Bracket 40 mm", D("12.60")),
        ("comment", "Deliver to gate 4", D("0.00")),
    ]
    assert order.amount_total == D("45.50")


def test_a_zero_priced_write_in_on_the_new_order_form_needs_the_confirmation(client, clerk, lamp):
    customer = make_customer()
    client.force_login(clerk)
    payload = create_payload(customer, [(None, "1", "0", "")])
    payload.update({"lines-0-line_type": "write_in", "lines-0-description": "Sample"})

    refused = client.post(reverse("salesapp:order_create"), payload)
    accepted = client.post(reverse("salesapp:order_create"), {**payload, "lines-0-confirm_price": "on"})

    assert list(refused.context["lines"].forms[0].errors) == ["confirm_price"]
    assert accepted.status_code == 302
    assert SalesOrder.objects.get().lines.get().line_type == "write_in"
