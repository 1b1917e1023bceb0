"""Write-in and comment lines on orders and quotations, from entry to invoice (DESIGN.md §4.2)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import ValidationFailed
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.choices import LineType, PriceSource
from salesapp.line_types import DESCRIPTION_LENGTH, MAX_TEXT_LENGTH, text_chunks
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.services.orders import (
    OrderLineInput,
    order_confirm,
    order_create,
    order_line_add,
    order_line_remove,
)
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.quotations import QuotationLineInput, quotation_accept, quotation_create, quotation_send
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, tax_code

D = Decimal
LONG_TEXT = " ".join(f"word{n:03d}" for n in range(120))  # 959 characters: the line and three continuations


@pytest.fixture
def write_in_item(db):
    return ItemFactory(number="WRITE-IN", name="Write-in product", unit_price=D("0"), tax_code=tax_code("NL21"))


@pytest.fixture
def item(db):
    return ItemFactory(number="A-100", unit_price=D("12.50"))


def lines_of(order):
    return list(
        SalesOrderLine.objects.filter(order=order)
        .order_by("line_no")
        .values_list("line_no", "line_type", "item__number", "description", "quantity", "net_amount")
    )


def test_a_write_in_line_is_carried_by_the_write_in_item_with_the_text_and_price_typed(billing, write_in_item, item):
    # given a role without the price override permission: a write-in's price is its own, not an override
    assert not billing.has_perm("salesapp.override_line_price")

    # when
    order = order_create(
        customer=make_customer(),
        lines=[
            OrderLineInput(item=item, quantity=D("2")),
            OrderLineInput(
                item=None,
                line_type=LineType.WRITE_IN,
                description="Bracket 40 mm, galvanised, as drawing 7",
                quantity=D("3"),
                unit_price=D("4.20"),
            ),
            OrderLineInput(item=None, line_type=LineType.COMMENT, description="Deliver to gate 4", quantity=D("0")),
        ],
        by=billing,
    )

    # then
    assert lines_of(order) == [
        (10, "item", "A-100", item.name, D("2"), D("25.00")),
        (20, "write_in", "WRITE-IN", "Bracket 40 mm, galvanised, as drawing 7", D("3"), D("12.60")),
        (30, "comment", None, "Deliver to gate 4", D("0"), D("0")),
    ]
    write_in = order.lines.get(line_no=20)
    assert (write_in.price_source, write_in.tax_code.code) == (PriceSource.MANUAL, "NL21")
    comment = order.lines.get(line_no=30)
    assert (comment.tax_code_id, comment.unit_price, comment.unit) == (None, D("0"), "")
    order.refresh_from_db()
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("37.60"), D("7.90"), D("45.50"))


def test_write_in_and_comment_lines_say_what_they_lack(clerk, write_in_item):
    order = order_create(customer=make_customer(), lines=[], by=clerk)

    with pytest.raises(ValidationFailed) as refused:
        order_line_add(
            order=order,
            line=OrderLineInput(item=None, line_type="write_in", description="X", quantity=D("1")),
            by=clerk,
        )
    assert set(refused.value.field_errors) == {"unit_price"}

    with pytest.raises(ValidationFailed) as refused:
        order_line_add(order=order, line=OrderLineInput(item=None, line_type="comment", quantity=D("0")), by=clerk)
    assert refused.value.field_errors == {"description": "A comment line needs its text."}

    with pytest.raises(ValidationFailed) as refused:
        order_line_add(order=order, line=OrderLineInput(item=None, line_type="kit", quantity=D("1")), by=clerk)
    assert "'kit' is not a line type" in refused.value.field_errors["line_type"]

    with pytest.raises(ValidationFailed) as refused:
        order_line_add(
            order=order,
            line=OrderLineInput(item=None, line_type="comment", description="x" * (MAX_TEXT_LENGTH + 1), quantity=0),
            by=clerk,
        )
    assert "at most 3000" in refused.value.field_errors["description"]
    assert not order.lines.exists()


def test_a_write_in_without_a_configured_write_in_item_is_refused_naming_the_item(clerk, settings, write_in_item):
    settings.SALESFLOW_WRITE_IN_ITEM = "NO-SUCH-ITEM"
    with pytest.raises(ValidationFailed) as refused:
        order_create(
            customer=make_customer(),
            lines=[OrderLineInput(item=None, line_type="write_in", description="X", quantity=1, unit_price=D("1"))],
            by=clerk,
        )
    assert "NO-SUCH-ITEM" in refused.value.field_errors["lines[0].item"]
    assert not SalesOrder.objects.exists()


def test_a_long_text_continues_on_comment_lines_and_goes_with_its_line(clerk, write_in_item, item):
    # given
    order = order_create(customer=make_customer(), lines=[OrderLineInput(item=item, quantity=D("1"))], by=clerk)

    # when
    line = order_line_add(
        order=order,
        line=OrderLineInput(
            item=None, line_type="write_in", description=LONG_TEXT, quantity=D("1"), unit_price=D("10")
        ),
        by=clerk,
    )

    # then the text is cut at word boundaries onto lines 20, 21, 22, 23
    stored = lines_of(order)
    assert [(no, kind) for no, kind, *_rest in stored] == [
        (10, "item"),
        (20, "write_in"),
        (21, "comment"),
        (22, "comment"),
        (23, "comment"),
    ]
    assert all(len(description) <= DESCRIPTION_LENGTH for *_a, description, _q, _n in stored)
    assert " ".join(description for _no, _k, _i, description, _q, _n in stored[1:]) == LONG_TEXT
    assert text_chunks(LONG_TEXT) == [description for _no, _k, _i, description, _q, _n in stored[1:]]

    # and a next line is numbered after the continuations
    added = order_line_add(order=order, line=OrderLineInput(item=item, quantity=D("1")), by=clerk)
    assert added.line_no == 30

    # removing the write-in removes its continuation lines, not the others
    order_line_remove(order_line=line, by=clerk)
    assert [no for no, *_rest in lines_of(order)] == [10, 30]


def test_comment_lines_are_never_delivered_or_invoiced_and_the_order_completes(clerk, billing, write_in_item, item):
    # given
    order = order_create(
        customer=make_customer(),
        lines=[
            OrderLineInput(item=None, line_type="comment", description="Call before delivery", quantity=D("0")),
            OrderLineInput(item=item, quantity=D("4")),
            OrderLineInput(item=None, line_type="write_in", description="Custom crate", quantity=1, unit_price=D("30")),
        ],
        by=clerk,
    )
    order_confirm(order=order, by=clerk)

    # when
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=clerk), by=billing)

    # then
    assert sorted(slip.lines.values_list("order_line__line_no", "quantity")) == [(20, D("4")), (30, D("1"))]
    assert list(invoice.lines.order_by("line_no").values_list("line_type", "description", "net_amount")) == [
        ("item", item.name, D("50.00")),
        ("write_in", "Custom crate", D("30.00")),
    ]
    order.refresh_from_db()
    assert order.state == "invoiced"
    assert invoice.amount_total == order.amount_total


def test_the_database_refuses_a_comment_line_with_an_amount_or_an_item_line_without_tax(clerk, item):
    order = order_create(customer=make_customer(), lines=[OrderLineInput(item=item, quantity=D("1"))], by=clerk)
    line = order.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderLine.objects.filter(pk=line.pk).update(line_type="comment")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderLine.objects.filter(pk=line.pk).update(tax_code=None)


def test_a_quotation_carries_write_in_comment_and_continuation_lines_into_its_order(clerk, write_in_item, item):
    # given
    quotation = quotation_create(
        party=PartyFactory(),
        lines=[
            QuotationLineInput(item=item, quantity=D("2")),
            QuotationLineInput(
                item=None, line_type="write_in", description=LONG_TEXT, quantity=D("1"), unit_price=D("99")
            ),
            QuotationLineInput(item=None, line_type="comment", description="Prices excl. installation", quantity=0),
        ],
        by=clerk,
    )
    quotation_send(quotation=quotation, by=clerk)

    # when
    quotation = quotation_accept(quotation=quotation, revision=1, by=clerk)

    # then the order has the same lines, numbers and texts, and the same totals
    quoted = list(quotation.lines.order_by("line_no").values_list("line_no", "line_type", "description", "net_amount"))
    ordered = list(
        quotation.sales_order.lines.order_by("line_no").values_list("line_no", "line_type", "description", "net_amount")
    )
    assert [no for no, *_rest in quoted] == [10, 20, 21, 22, 23, 30]
    assert ordered == quoted
    assert quotation.sales_order.amount_total == quotation.amount_total


def test_a_zero_or_below_cost_price_is_saved_only_when_confirmed_through_every_door(clerk):
    # given
    free = ItemFactory(number="F-1", unit_price=D("0"))
    costly = ItemFactory(number="C-1", unit_price=D("10"), unit_cost=D("8"))
    order = order_create(customer=make_customer(), lines=[], by=clerk)
    quotation = quotation_create(party=PartyFactory(), lines=[], by=clerk)

    # then an order line and a quotation line refuse them unconfirmed, naming the confirmation
    with pytest.raises(ValidationFailed) as refused:
        order_line_add(order=order, line=OrderLineInput(item=free, quantity=D("1")), by=clerk)
    assert refused.value.field_errors == {
        "confirm_price": "The price of F-1 is zero. Confirm the price to save the line with it."
    }
    with pytest.raises(ValidationFailed) as refused:
        quotation_create(
            party=PartyFactory(),
            lines=[QuotationLineInput(item=costly, quantity=D("1"), discount_percent=D("25"))],
            by=clerk,
        )
    assert "below its unit cost of 8" in refused.value.field_errors["lines[0].confirm_price"]
    assert not order.lines.exists()

    # and save them confirmed; the order made from the quotation does not ask again
    order_line_add(order=order, line=OrderLineInput(item=free, quantity=D("1"), price_confirmed=True), by=clerk)
    quotation = quotation_create(
        party=PartyFactory(),
        lines=[QuotationLineInput(item=free, quantity=D("2"), price_confirmed=True)],
        by=clerk,
    )
    quotation_send(quotation=quotation, by=clerk)
    quotation = quotation_accept(quotation=quotation, revision=1, by=clerk)
    assert list(quotation.sales_order.lines.values_list("item__number", "unit_price")) == [("F-1", D("0"))]


def test_copying_a_quotation_keeps_its_write_in_comment_and_continuation_lines(clerk, write_in_item, item):
    from salesapp.services.quotations import quotation_copy

    quotation = quotation_create(
        party=PartyFactory(),
        lines=[
            QuotationLineInput(item=item, quantity=D("1")),
            QuotationLineInput(item=None, line_type="write_in", description=LONG_TEXT, quantity=1, unit_price=D("5")),
            QuotationLineInput(item=None, line_type="comment", description="Installation not included", quantity=0),
        ],
        by=clerk,
    )

    copied = quotation_copy(quotation=quotation, by=clerk)

    def shown(q):
        return list(q.lines.order_by("line_no").values_list("line_no", "line_type", "description", "net_amount"))

    assert shown(copied) == shown(quotation)


def test_the_order_status_counts_no_comment_lines_and_names_a_write_in_by_its_text(clerk, write_in_item, item):
    from salesapp.selectors.orders import order_progress

    order = order_create(
        customer=make_customer(),
        lines=[
            OrderLineInput(item=item, quantity=D("3")),
            OrderLineInput(item=None, line_type="write_in", description="Cable tray", quantity=2, unit_price=D("35")),
            OrderLineInput(item=None, line_type="comment", description="Back entrance", quantity=0),
        ],
        by=clerk,
    )

    progress = order_progress(order)

    assert progress["summary"] == "0 of 2 lines delivered, 0 invoiced"
    assert progress["waiting"] == ["3 pcs of A-100", "2 pcs of Cable tray"]


def test_a_zero_priced_write_in_is_named_by_its_text_when_asked_to_confirm(clerk, write_in_item):
    order = order_create(customer=make_customer(), lines=[], by=clerk)
    with pytest.raises(ValidationFailed) as refused:
        order_line_add(
            order=order,
            line=OrderLineInput(item=None, line_type="write_in", description="Sample rack", quantity=1, unit_price=0),
            by=clerk,
        )
    assert refused.value.field_errors == {
        "confirm_price": "The price of Sample rack is zero. Confirm the price to save the line with it."
    }
