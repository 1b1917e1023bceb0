"""Goods returned against an invoice through the API: the returned order names the order lines the invoice
billed."""

from decimal import Decimal

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def invoiced(by):
    """5 × A-100 and 3 × B-200 shipped and invoiced on one invoice."""
    a = ItemFactory(number="A-100", unit_price=D("12.50"))
    b = ItemFactory(number="B-200", unit_price=D("20.00"))
    order = order_confirm(order=make_order(customer=make_customer(), lines=[(a, "5"), (b, "3")], by=by), by=by)
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=by), by=by)
    return order, invoice, *invoice.lines.order_by("line_no")


def test_goods_come_back_against_an_invoice(integrator):
    order, invoice, _line_a, line_b = invoiced(integrator)

    response = api_client(integrator).post(
        f"/api/v1/invoices/{invoice.pk}/return/",
        {"return_reason": "Surplus", "lines": [{"invoice_line": line_b.pk, "quantity": "2"}]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["order_type"], body["rma_number"], body["return_reason"]) == (
        "returned_order",
        "RMA-000001",
        "Surplus",
    )
    assert [(line["returned_line"], line["quantity"], line["unit_price"]) for line in body["lines"]] == [
        (line_b.order_line_id, "2.000", "20.0000")
    ]


def test_more_than_the_invoice_line_billed_is_refused_naming_the_index(integrator):
    _order, invoice, line_a, line_b = invoiced(integrator)

    response = api_client(integrator).post(
        f"/api/v1/invoices/{invoice.pk}/return/",
        {"lines": [{"invoice_line": line_a.pk, "quantity": "1"}, {"invoice_line": line_b.pk, "quantity": "4"}]},
        format="json",
    )

    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "lines[1].quantity",
            "message": f"{invoice.number} billed 3 of line 20; 4 cannot come back against it.",
        }
    ]
    assert SalesOrder.objects.filter(order_type="returned_order").count() == 0


def test_what_is_already_coming_back_is_refused_on_the_invoice_line(integrator):
    order, invoice, line_a, _line_b = invoiced(integrator)
    client = api_client(integrator)
    first = client.post(
        f"/api/v1/invoices/{invoice.pk}/return/",
        {"lines": [{"invoice_line": line_a.pk, "quantity": "4"}]},
        format="json",
    )
    assert first.status_code == 201, first.content

    response = client.post(
        f"/api/v1/invoices/{invoice.pk}/return/",
        {"lines": [{"invoice_line": line_a.pk, "quantity": "2"}]},
        format="json",
    )

    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "lines[0].quantity",
            "message": f"Only 1 pcs of A-100 from order {order.number} can still be returned (delivered 5); 2 asked.",
        }
    ]


def test_a_draft_or_a_credit_note_takes_no_return(integrator):
    order = make_order(customer=make_customer(), lines=[(ItemFactory(), "1")], by=integrator)
    draft = invoice_create_from_order(order=order_confirm(order=order, by=integrator), basis="order", by=integrator)
    line = draft.lines.get()

    response = api_client(integrator).post(
        f"/api/v1/invoices/{draft.pk}/return/", {"lines": [{"invoice_line": line.pk, "quantity": "1"}]}, format="json"
    )

    body = problem(response, 409)
    assert body["code"] == "invoice-not-returnable"
    assert body["detail"] == f"Goods come back against a posted invoice of a sales order; {draft} is not one."
