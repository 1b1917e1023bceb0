"""Returned orders through the API: entering one for delivered lines, receiving it, crediting it."""

from decimal import Decimal

from salesapp.models import PackingSlip, SalesOrder, SalesOrderLine
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def delivered_order(by):
    """6 × A-100 at 12.50 and 2 × B-200 at 20.00, delivered."""
    a = ItemFactory(number="A-100", unit_price=D("12.50"))
    b = ItemFactory(number="B-200", unit_price=D("20.00"))
    order = order_confirm(order=make_order(customer=make_customer(), lines=[(a, "6"), (b, "2")], by=by), by=by)
    packing_slip_post(packing_slip=packing_slip_create(order=order, by=by), by=by)
    return order, *order.lines.order_by("line_no")


def test_return_enters_a_returned_order_with_its_rma_number(integrator):
    order, line_a, line_b = delivered_order(integrator)

    response = api_client(integrator).post(
        f"/api/v1/sales-orders/{order.pk}/return/",
        {"return_reason": "Damaged", "lines": [{"order_line": line_b.pk, "quantity": "1"}]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    returned = SalesOrder.objects.get(pk=body["id"])
    assert (body["order_type"], body["state"], body["rma_number"], body["return_reason"]) == (
        "returned_order",
        "open",
        "RMA-000001",
        "Damaged",
    )
    assert [(line["returned_line"], line["quantity"], line["unit_price"]) for line in body["lines"]] == [
        (line_b.pk, "1.000", "20.0000")
    ]
    assert returned.lines.get().returned_line_id == line_b.pk


def test_return_errors_name_the_index_sent(integrator):
    order, line_a, line_b = delivered_order(integrator)

    response = api_client(integrator).post(
        f"/api/v1/sales-orders/{order.pk}/return/",
        {"lines": [{"order_line": line_a.pk, "quantity": "1"}, {"order_line": line_b.pk, "quantity": "3"}]},
        format="json",
    )

    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "lines[1].quantity",
            "message": "Only 2 pcs of B-200 from order SO-000001 can still be returned (delivered 2); 3 asked.",
        }
    ]
    assert SalesOrder.objects.count() == 1


def test_an_order_line_listed_twice_is_refused(integrator):
    order, line_a, _line_b = delivered_order(integrator)

    response = api_client(integrator).post(
        f"/api/v1/sales-orders/{order.pk}/return/",
        {"lines": [{"order_line": line_a.pk, "quantity": "1"}, {"order_line": line_a.pk, "quantity": "1"}]},
        format="json",
    )

    body = problem(response, 400)
    assert body["errors"] == [{"field": "lines", "message": f"Order line {line_a.pk} is listed twice."}]


def test_create_a_returned_order_with_lines_naming_what_comes_back(integrator):
    order, line_a, _line_b = delivered_order(integrator)

    response = api_client(integrator).post(
        "/api/v1/sales-orders/",
        {
            "customer": order.customer_id,
            "order_type": "returned_order",
            "lines": [{"returned_line": line_a.pk, "quantity": "2"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rma_number"] == "RMA-000001"
    assert [(line["item"], line["returned_line"], line["net_amount"]) for line in body["lines"]] == [
        (line_a.item_id, line_a.pk, "25.00")
    ]


def test_receive_posts_a_return_receipt_and_the_credit_note_follows(integrator):
    order, line_a, _line_b = delivered_order(integrator)
    client = api_client(integrator)
    returned_id = client.post(
        f"/api/v1/sales-orders/{order.pk}/return/",
        {"lines": [{"order_line": line_a.pk, "quantity": "2"}]},
        format="json",
    ).json()["id"]
    assert client.post(f"/api/v1/sales-orders/{returned_id}/confirm/").status_code == 200
    returned_line = SalesOrderLine.objects.get(order_id=returned_id)

    response = client.post(
        f"/api/v1/sales-orders/{returned_id}/receive/",
        {"lines": [{"order_line": returned_line.pk, "quantity": "2", "disposition": "scrap"}]},
        format="json",
    )

    assert response.status_code == 201, response.content
    receipt = response.json()
    assert (receipt["number"], receipt["state"], receipt["return_receipt"]) == ("RR-000001", "posted", True)
    assert [(line["quantity"], line["disposition"]) for line in receipt["lines"]] == [("2.000", "scrap")]
    original = client.get(f"/api/v1/sales-orders/{order.pk}/").json()
    assert [line["qty_returned"] for line in original["lines"]] == ["2.000", "0.000"]

    # the returned order is invoiced with a credit note
    draft = client.post(f"/api/v1/sales-orders/{returned_id}/invoice/", {"basis": "packing_slips"}, format="json")
    assert draft.status_code == 201, draft.content
    posted = client.post(f"/api/v1/invoices/{draft.json()['id']}/post/", {}, format="json")
    assert posted.status_code == 200, posted.content
    credit = posted.json()
    assert (credit["kind"], credit["number"], credit["amount_total"]) == ("credit_note", "CN-000001", "-30.25")
    listed = client.get("/api/v1/invoices/", {"kind": "credit_note"}).json()["results"]
    assert [invoice["number"] for invoice in listed] == ["CN-000001"]


def test_receive_on_a_sales_order_is_refused(integrator):
    order, _line_a, _line_b = delivered_order(integrator)

    response = api_client(integrator).post(f"/api/v1/sales-orders/{order.pk}/receive/", {}, format="json")

    body = problem(response, 409)
    assert body["detail"] == f"Order {order.number} is not a returned order: ship it on a packing slip."
    assert PackingSlip.objects.filter(order=order).count() == 1
