"""The admin shows write-in and comment lines on its read-only order and quotation pages."""

from decimal import Decimal

from django.urls import reverse

from salesapp.choices import LineType
from salesapp.models import Quotation, SalesOrder
from salesapp.services.orders import OrderLineInput, order_create
from salesapp.services.quotations import QuotationLineInput, quotation_create
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_write_in_item

D = Decimal


def change_url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def text_lines(line_input):
    return [
        line_input(item=ItemFactory(), quantity=D("1")),
        line_input(
            item=None, line_type=LineType.WRITE_IN, description="Bracket 40 mm", quantity=D("1"), unit_price=D("5")
        ),
        line_input(item=None, line_type=LineType.COMMENT, description="Deliver to gate 4", quantity=D("0")),
    ]


def test_order_and_quotation_pages_show_comment_and_write_in_lines_read_only(client, administrator, clerk):
    # given
    make_write_in_item()
    order = order_create(customer=make_customer(), lines=text_lines(OrderLineInput), by=clerk)
    quotation = quotation_create(party=PartyFactory(), lines=text_lines(QuotationLineInput), by=clerk)
    client.force_login(administrator)

    for model, pk in ((SalesOrder, order.pk), (Quotation, quotation.pk)):
        # when
        page = client.get(change_url(model, pk))
        posted = client.post(change_url(model, pk), {})

        # then: the lines with their type and text, nothing editable
        content = page.content.decode()
        assert page.status_code == 200
        assert "Deliver to gate 4" in content and "Bracket 40 mm" in content
        assert "Comment" in content and "Write-in" in content
        assert 'name="_save"' not in content
        assert posted.status_code == 403
