from decimal import Decimal

import pytest

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from marketing.models import Activity
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.services.order_remainders import order_line_remainder_close, order_remainder_close
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


@pytest.fixture
def order(clerk):
    """A confirmed order of 10 A and 5 B, of which 6 A and 5 B are delivered."""
    a, b = ItemFactory(number="A-100"), ItemFactory(number="B-200")
    order = make_order(lines=[(a, "10"), (b, "5")], by=clerk)
    order_confirm(order=order, by=clerk)
    line_a, line_b = order.lines.order_by("line_no")
    packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("5")}, by=clerk),
        by=clerk,
    )
    return order


def ledger(order):
    return list(
        SalesOrderLine.objects.filter(order=order)
        .order_by("line_no")
        .values_list("quantity", "qty_delivered", "qty_closed_short", "close_short_reason")
    )


def test_closing_the_remainder_short_makes_the_order_delivered_and_then_invoiced(order, clerk, billing):
    # when
    order = order_remainder_close(order=order, reason="Customer no longer needs the rest", by=clerk)

    # then
    assert order.state == "delivered"
    assert ledger(order) == [
        (D("10"), D("6"), D("4"), "Customer no longer needs the rest"),
        (D("5"), D("5"), D("0"), ""),
    ]
    assert Activity.objects.filter(
        subject=f"Remainder of order {order.number} closed (line 10: 4 pcs): Customer no longer needs the rest"
    ).exists()

    # and invoicing what was delivered completes it
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=clerk), by=billing)
    assert list(invoice.lines.values_list("quantity", flat=True)) == [D("6"), D("5")]
    assert SalesOrder.objects.get(pk=order.pk).state == "invoiced"


def test_one_line_is_closed_short_and_the_order_stays_confirmed_while_others_wait(clerk):
    a, b = ItemFactory(), ItemFactory()
    order = make_order(lines=[(a, "3"), (b, "2")], by=clerk)
    order_confirm(order=order, by=clerk)
    line_a = order.lines.get(item=a)

    order = order_line_remainder_close(order_line=line_a, reason="Discontinued by the vendor", by=clerk)

    assert order.state == "confirmed"
    assert ledger(order)[0] == (D("3"), D("0"), D("3"), "Discontinued by the vendor")
    with pytest.raises(TransitionRefused) as refused:
        order_line_remainder_close(order_line=line_a, reason="again", by=clerk)
    assert refused.value.reason == f"Line 10 of order {order.number} has nothing left to deliver."


def test_refusals_name_the_reason_and_change_nothing(order, clerk, billing):
    before = ledger(order)
    with pytest.raises(ValidationFailed) as refused:
        order_remainder_close(order=order, reason="  ", by=clerk)
    assert refused.value.field_errors == {"reason": "Say why the remainder is closed."}

    with pytest.raises(ActionForbidden):
        order_remainder_close(order=order, reason="No", by=billing)

    untouched = make_order(by=clerk)
    order_confirm(order=untouched, by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_remainder_close(order=untouched, reason="No", by=clerk)
    assert refused.value.reason == f"Nothing of order {untouched.number} is delivered yet: cancel the order instead."

    draft = make_order(by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_remainder_close(order=draft, reason="No", by=clerk)
    assert "only a confirmed order has a remainder to close" in refused.value.reason
    assert ledger(order) == before


def test_the_last_undelivered_line_of_an_order_with_nothing_delivered_is_not_closed_but_canceled(clerk):
    order = make_order(lines=[(ItemFactory(), "2")], by=clerk)
    order_confirm(order=order, by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_line_remainder_close(order_line=order.lines.get(), reason="No", by=clerk)
    assert refused.value.reason.endswith("cancel the order instead.")


def test_the_order_page_offers_closing_per_line_and_for_the_order(order, client, clerk):
    client.force_login(clerk)
    url = f"/sales/orders/{order.pk}/"
    html = client.get(url).content.decode()
    assert f'action="/sales/orders/{order.pk}/close-remainder/"' in html
    line_a = order.lines.get(line_no=10)
    assert f'action="/sales/orders/{order.pk}/lines/{line_a.pk}/close-remainder/"' in html
    assert "Close line 20" not in html  # fully delivered: nothing to close

    response = client.post(
        f"/sales/orders/{order.pk}/lines/{line_a.pk}/close-remainder/", {"reason": "Vendor stopped it"}
    )

    assert response.status_code == 302
    assert SalesOrder.objects.get(pk=order.pk).state == "delivered"
    assert "4 closed short: Vendor stopped it" in client.get(url).content.decode()


def test_the_api_closes_a_line_or_the_order_and_names_a_foreign_line(order, clerk):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(clerk)
    url = f"/api/v1/sales-orders/{order.pk}/close-remainder/"

    foreign = api.post(url, {"reason": "x", "line": 999999}, format="json")
    assert foreign.status_code == 400
    assert foreign.json()["errors"] == [
        {"field": "line", "message": f"Order {order.number} has no line with id 999999."}
    ]
    assert api.post(url, {}, format="json").json()["errors"][0]["field"] == "reason"

    response = api.post(url, {"reason": "Customer cut the order"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "delivered"
    assert [line["close_short_reason"] for line in body["lines"]] == ["Customer cut the order", ""]
