from decimal import Decimal

import pytest

from core.errors import TransitionRefused, ValidationFailed
from core.models import NumberSeries
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from marketing.selectors.campaigns import campaign_stats
from marketing.selectors.parties import party_timeline
from salesapp.models import PackingSlip, SalesOrder, SalesOrderLine
from salesapp.services.orders import (
    OrderLineInput,
    order_cancel,
    order_confirm,
    order_copy,
    order_line_add,
    order_type_change,
)
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.marketing import CampaignFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


@pytest.fixture
def delivered(clerk):
    """A confirmed order of 10 A (12.50, 5 % off) and 5 B, of which 6 A and 5 B are delivered."""
    a = ItemFactory(number="A-100", unit_price=D("12.50"))
    b = ItemFactory(number="B-200", unit_price=D("20.00"))
    order = make_order(customer=make_customer(), lines=[(a, "10"), (b, "5")], by=clerk)
    SalesOrderLine.objects.filter(order=order, item=a).update(discount_percent=D("5"))
    order = order_confirm(order=order, by=clerk)
    line_a, line_b = order.lines.order_by("line_no")
    packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("5")}, by=clerk),
        by=clerk,
    )
    return order, line_a, line_b


def counts():
    return (SalesOrder.objects.count(), SalesOrderLine.objects.count(), NumberSeries.objects.get(code="rma").next_value)


def test_a_returned_order_takes_the_sold_price_and_its_rma_number(delivered, clerk):
    order, line_a, _line_b = delivered

    returned = returned_order_create(
        order=order, quantities={line_a.pk: D("2")}, return_reason="Wrong colour", by=clerk
    )

    assert (returned.order_type, returned.state, returned.rma_number, returned.number) == (
        "returned_order",
        "open",
        "RMA-000001",
        "SO-000002",
    )
    (line,) = returned.lines.all()
    assert (line.item_id, line.quantity, line.unit_price, line.discount_percent, line.returned_line_id) == (
        line_a.item_id,
        D("2"),
        D("12.5000"),
        D("5.00"),
        line_a.pk,
    )
    assert (line.price_source, line.tax_code_id) == (line_a.price_source, line_a.tax_code_id)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("7", "Only 6 pcs of A-100 from order SO-000001 can still be returned (delivered 6); 7 asked."),
        ("-1", "Quantity must be greater than zero."),
    ],
)
def test_more_than_was_delivered_is_refused_naming_the_line(delivered, clerk, quantity, message):
    order, line_a, _line_b = delivered
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        returned_order_create(order=order, quantities={line_a.pk: D(quantity)}, by=clerk)

    assert refused.value.field_errors == {"lines[10].quantity": message}
    assert counts() == before


def test_what_another_returned_order_takes_back_is_not_returned_twice(delivered, clerk):
    order, line_a, _line_b = delivered
    returned_order_create(order=order, quantities={line_a.pk: D("4")}, by=clerk)
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        returned_order_create(order=order, quantities={line_a.pk: D("3")}, by=clerk)

    assert refused.value.field_errors == {
        "lines[10].quantity": "Only 2 pcs of A-100 from order SO-000001 can still be returned (delivered 6); 3 asked."
    }
    assert counts() == before


def test_a_canceled_returned_order_gives_its_quantity_back(delivered, clerk, manager):
    order, line_a, _line_b = delivered
    first = returned_order_create(order=order, quantities={line_a.pk: D("6")}, by=clerk)
    order_cancel(order=first, by=manager)

    second = returned_order_create(order=order, quantities={line_a.pk: D("6")}, by=clerk)

    assert second.lines.get().quantity == D("6")


def test_nothing_chosen_or_an_unknown_line_is_refused(delivered, clerk):
    order, _line_a, _line_b = delivered
    other = make_order(lines=[(ItemFactory(), "1")], by=clerk).lines.get()
    before = counts()

    with pytest.raises(ValidationFailed) as nothing:
        returned_order_create(order=order, quantities={}, by=clerk)
    with pytest.raises(ValidationFailed) as unknown:
        returned_order_create(order=order, quantities={other.pk: D("1")}, by=clerk)

    assert nothing.value.field_errors == {"lines": "Enter a quantity to return on at least one line."}
    assert unknown.value.field_errors == {f"lines[{other.pk}]": f"Line {other.pk} is not a line of order SO-000001."}
    assert counts() == before


def test_a_return_line_must_name_a_delivered_line_of_the_same_customer(delivered, clerk):
    order, line_a, _line_b = delivered
    returned = returned_order_create(order=order, quantities={line_a.pk: D("1")}, by=clerk)
    stranger = make_order(customer=make_customer(), lines=[(ItemFactory(), "1")], by=clerk)
    undelivered = order_confirm(
        order=make_order(customer=order.customer, lines=[(ItemFactory(), "3")], by=clerk), by=clerk
    )
    lines_before = SalesOrderLine.objects.filter(order=returned).count()

    refusals = {}
    for name, origin in (
        ("stranger", stranger.lines.get()),
        ("undelivered", undelivered.lines.get()),
        ("return", returned.lines.get()),
    ):
        with pytest.raises(ValidationFailed) as refused:
            order_line_add(
                order=returned, line=OrderLineInput(item=None, quantity=D("1"), returned_line=origin), by=clerk
            )
        refusals[name] = refused.value.field_errors

    assert refusals == {
        "stranger": {"returned_line": f"Line {stranger.lines.get().pk} is a line of another customer's order."},
        "undelivered": {"returned_line": f"Nothing of line 10 of order {undelivered.number} was delivered."},
        "return": {
            "returned_line": f"Line {returned.lines.get().pk} is itself a return: name the line of the order that "
            "was delivered."
        },
    }
    assert SalesOrderLine.objects.filter(order=returned).count() == lines_before


def test_only_a_returned_order_names_a_line_that_comes_back(delivered, clerk):
    order, line_a, _line_b = delivered
    open_order = make_order(customer=order.customer, lines=[(ItemFactory(), "1")], by=clerk)

    with pytest.raises(ValidationFailed) as refused:
        order_line_add(
            order=open_order, line=OrderLineInput(item=None, quantity=D("1"), returned_line=line_a), by=clerk
        )

    assert refused.value.field_errors == {
        "returned_line": "Only a returned order's lines name an order line that comes back."
    }
    assert open_order.lines.count() == 1


def test_a_returned_order_is_confirmed_without_credit_approval_or_prepayment_hold(delivered, clerk):
    order, line_a, _line_b = delivered
    order.customer.credit_limit = D("1")
    order.customer.prepayment_required = True
    order.customer.save()

    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line_a.pk: D("6")}, by=clerk), by=clerk
    )

    assert (returned.state, returned.on_hold) == ("confirmed", False)


def test_the_type_of_a_returned_order_or_to_a_returned_order_does_not_change(delivered, clerk):
    order, line_a, _line_b = delivered
    returned = returned_order_create(order=order, quantities={line_a.pk: D("1")}, by=clerk)
    sales = make_order(customer=order.customer, lines=[(ItemFactory(), "1")], by=clerk)

    for document, target in ((returned, "sales"), (sales, "returned_order")):
        with pytest.raises(TransitionRefused) as refused:
            order_type_change(order=document, order_type=target, by=clerk)
        assert refused.value.reason == (
            f"A returned order is entered as one (it has an RMA number and lines naming what comes back): create "
            f"a new order instead of changing the type of {document.number}."
        )
    assert list(
        SalesOrder.objects.filter(pk__in=[returned.pk, sales.pk]).order_by("pk").values_list("order_type", flat=True)
    ) == [
        "returned_order",
        "sales",
    ]


def test_copying_a_returned_order_checks_what_is_left_to_return(delivered, clerk):
    order, line_a, _line_b = delivered
    returned = returned_order_create(order=order, quantities={line_a.pk: D("4")}, by=clerk)

    with pytest.raises(ValidationFailed) as refused:
        order_copy(order=returned, by=clerk)

    assert refused.value.field_errors == {
        "lines[0].quantity": "Only 2 pcs of A-100 from order SO-000001 can still be returned (delivered 6); 4 asked."
    }


def test_receiving_books_returned_on_the_original_line_with_a_disposition(delivered, clerk):
    order, line_a, line_b = delivered
    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line_a.pk: D("2"), line_b.pk: D("1")}, by=clerk),
        by=clerk,
    )
    r_a, r_b = returned.lines.order_by("line_no")

    receipt = returned_goods_receive(
        order=returned, quantities={r_a.pk: D("2")}, dispositions={r_a.pk: "scrap"}, by=clerk
    )

    assert (receipt.number, receipt.state) == ("RR-000001", "posted")
    assert list(receipt.lines.values_list("order_line_id", "quantity", "disposition")) == [(r_a.pk, D("2"), "scrap")]
    assert list(
        SalesOrderLine.objects.filter(order=order).order_by("line_no").values_list("qty_returned", flat=True)
    ) == [
        D("2"),
        D("0"),
    ]
    returned.refresh_from_db()
    assert returned.state == "confirmed"  # the desk is still to come back
    # the delivery series is untouched: the next packing slip of a sale is still PS-000002
    assert NumberSeries.objects.get(code="packing_slip").next_value == 2


def test_a_disposition_is_checked_and_only_taken_on_a_return_receipt(delivered, clerk):
    order, line_a, _line_b = delivered
    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line_a.pk: D("2")}, by=clerk), by=clerk
    )
    sale = order_confirm(order=make_order(customer=order.customer, lines=[(ItemFactory(), "2")], by=clerk), by=clerk)

    with pytest.raises(ValidationFailed) as bad_value:
        packing_slip_create(order=returned, dispositions={returned.lines.get().pk: "resell"}, by=clerk)
    with pytest.raises(ValidationFailed) as on_delivery:
        packing_slip_create(order=sale, dispositions={sale.lines.get().pk: "scrap"}, by=clerk)

    assert bad_value.value.field_errors == {"lines[10].disposition": "Choose 'back_to_stock', 'scrap', not 'resell'."}
    assert on_delivery.value.field_errors == {"dispositions": "Only a return receipt says what happens to the goods."}
    assert PackingSlip.objects.filter(order__in=[returned, sale]).count() == 0


def test_a_sales_order_is_not_received(delivered, clerk):
    order, _line_a, _line_b = delivered

    with pytest.raises(TransitionRefused) as refused:
        returned_goods_receive(order=order, by=clerk)

    assert refused.value.reason == f"Order {order.number} is not a returned order: ship it on a packing slip."


def test_receiving_more_than_is_kept_is_refused_and_nothing_is_booked(delivered, clerk):
    order, line_a, _line_b = delivered
    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line_a.pk: D("3")}, by=clerk), by=clerk
    )
    # The original delivery shrinks behind the return's back (a correction made in the database)
    SalesOrderLine.objects.filter(pk=line_a.pk).update(qty_delivered=D("2"))

    with pytest.raises(TransitionRefused) as refused:
        returned_goods_receive(order=returned, by=clerk)

    assert refused.value.reason == (
        "Only 2 pcs of A-100 delivered on order SO-000001 are not back yet; 3 received. Lower the quantity."
    )
    assert PackingSlip.objects.filter(order=returned).count() == 0
    assert SalesOrderLine.objects.get(pk=line_a.pk).qty_returned == D("0")
    assert returned.lines.get().qty_delivered == D("0")


def test_a_returned_order_is_invoiced_with_a_credit_note_on_basis_order(delivered, clerk, billing):
    order, line_a, _line_b = delivered
    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line_a.pk: D("2")}, by=clerk), by=clerk
    )

    # on basis "order" the credit note receives what has not come back yet when it is posted
    credit = invoice_post(invoice=invoice_create_from_order(order=returned, basis="order", by=billing), by=billing)

    assert (credit.kind, credit.number, credit.amount_net) == ("credit_note", "CN-000001", D("-23.75"))
    assert SalesOrderLine.objects.get(pk=line_a.pk).qty_returned == D("2")
    assert SalesOrder.objects.get(pk=returned.pk).state == "invoiced"
    assert PackingSlip.objects.get(order=returned).number == "RR-000001"


def test_a_return_keeps_the_campaign_and_lowers_its_revenue_and_shows_on_the_timeline(delivered, clerk, billing):
    order, line_a, _line_b = delivered
    campaign = CampaignFactory()
    SalesOrder.objects.filter(pk=order.pk).update(campaign=campaign)
    invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=billing), by=billing)
    returned = order_confirm(
        order=returned_order_create(order=order, quantities={line_a.pk: D("2")}, by=clerk), by=clerk
    )
    returned_goods_receive(order=returned, by=clerk)
    invoice_post(invoice=invoice_create_from_order(order=returned, basis="packing_slips", by=billing), by=billing)

    stats = campaign_stats(campaign=campaign)
    timeline = party_timeline(party=order.customer.party, per_page=50)

    # ordered 10 × 12.50 + 5 × 20.00 = 225.00 net (the fixture's discount is set after the order's totals), invoiced
    # 10 × 11.875 + 100.00 = 218.75; 2 × 11.875 = 23.75 came back and was credited
    assert returned.campaign_id == campaign.pk
    assert [(figure.key, figure.amount) for figure in stats.revenue] == [
        ("orders_confirmed", 1),
        ("ordered_revenue", D("201.25")),
        ("invoiced_revenue", D("195.00")),
    ]
    kinds = [(entry.kind_label, entry.title) for entry in timeline.entries]
    assert ("Returned order", returned.number) in kinds and ("Sales order", order.number) in kinds
    assert ("Credit note", "CN-000001") in kinds
