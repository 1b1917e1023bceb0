"""Lead to cash as an integration drives it: every step through the REST API with a token."""

from tests.core.api.helpers import api_client

API = "/api/v1"


def test_party_to_paid_invoice_through_the_api(integrator):
    api = api_client(integrator)

    def call(method, path, body=None, status=200):
        if method == "get":
            response = api.get(f"{API}{path}", body)
        else:
            response = getattr(api, method)(f"{API}{path}", body, format="json")
        assert response.status_code == status, response.content
        return response.json()

    # given: a party with a customer account and two items
    party = call("post", "/parties/", {"name": "Fabrikam B.V.", "city": "Utrecht"}, status=201)
    customer = call("post", "/customers/", {"party": party["id"], "payment_terms_days": 14}, status=201)
    lamp = call(
        "post", "/items/", {"number": "A", "name": "Lamp", "unit_price": "12.50", "tax_code": "NL21"}, status=201
    )
    desk = call(
        "post", "/items/", {"number": "B", "name": "Desk", "unit_price": "30.00", "tax_code": "NL9"}, status=201
    )
    assert call("get", f"/parties/{party['id']}/")["customer"] == customer["id"]
    # and the purchasing system has the vendor's goods received into stock
    vendor = call("post", "/parties/", {"name": "Contoso Lighting", "city": "Delft"}, status=201)
    for item, quantity in ((lamp, "10"), (desk, "4")):
        supply = call(
            "post",
            "/inbound-supply/",
            {"vendor": vendor["id"], "item": item["id"], "quantity": quantity, "expected_date": "2026-12-01"},
            status=201,
        )
        received = call("post", f"/inbound-supply/{supply['id']}/receive/", {"quantity": quantity})
        assert received["state"] == "received"
    assert call("get", f"/items/{lamp['id']}/")["on_hand"] == "10.000"

    # when: order 10 lamps and 4 desks and confirm
    order = call(
        "post",
        "/sales-orders/",
        {
            "customer": customer["id"],
            "lines": [{"item": lamp["id"], "quantity": "10"}, {"item": desk["id"], "quantity": "4"}],
        },
        status=201,
    )
    order = call("post", f"/sales-orders/{order['id']}/confirm/")

    # then
    assert (order["number"], order["state"], order["amount_total"]) == ("SO-000001", "confirmed", "282.05")
    line_a, line_b = order["lines"]

    # when: ship 6 lamps and all desks, and post the slip
    slip = call(
        "post",
        "/packing-slips/",
        {
            "order": order["id"],
            "lines": [
                {"order_line": line_a["id"], "quantity": "6"},
                {"order_line": line_b["id"], "quantity": "4"},
            ],
        },
        status=201,
    )
    slip = call("post", f"/packing-slips/{slip['id']}/post/")
    order = call("get", f"/sales-orders/{order['id']}/")

    # then: partially delivered, still confirmed
    assert (slip["number"], slip["state"]) == ("PS-000001", "posted")
    assert order["state"] == "confirmed"
    assert [(line["deliver_remainder"], line["invoice_remainder"]) for line in order["lines"]] == [
        ("4.000", "6.000"),
        ("0.000", "4.000"),
    ]

    # when: invoice the packing slip and post the invoice
    invoice = call(
        "post",
        f"/sales-orders/{order['id']}/invoice/",
        {"basis": "packing_slips", "packing_slips": [slip["id"]]},
        status=201,
    )
    invoice = call("post", f"/invoices/{invoice['id']}/post/")

    # then
    assert (invoice["number"], invoice["state"], invoice["payment_state"]) == ("INV-000001", "posted", "unpaid")
    assert (invoice["amount_net"], invoice["amount_tax"], invoice["amount_total"]) == ("195.00", "26.55", "221.55")
    order = call("get", f"/sales-orders/{order['id']}/")
    assert order["state"] == "confirmed"
    assert [(line["qty_delivered"], line["qty_invoiced"]) for line in order["lines"]] == [
        ("6.000", "6.000"),
        ("4.000", "4.000"),
    ]

    # when: the customer pays in full
    payment = call(
        "post",
        "/payments/",
        {
            "customer": customer["id"],
            "amount": "221.55",
            "reference": "BANK-42",
            "applications": [{"invoice": invoice["id"], "amount": "221.55"}],
        },
        status=201,
    )

    # then: the invoice is paid
    assert (payment["number"], payment["amount_applied"], payment["amount_unapplied"]) == (
        "PAY-000001",
        "221.55",
        "0.00",
    )
    invoice = call("get", f"/invoices/{invoice['id']}/")
    assert (invoice["payment_state"], invoice["amount_paid"], invoice["amount_open"]) == ("paid", "221.55", "0.00")
    paid = call("get", "/invoices/", {"payment_state": "paid", "customer": customer["id"]})
    assert [row["number"] for row in paid["results"]] == ["INV-000001"]
