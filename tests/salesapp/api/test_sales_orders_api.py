import datetime
from decimal import Decimal

from django.utils import timezone

from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

CANCEL_HINT = " Close the undelivered remainder instead, or create a returned order for what came back."

URL = "/api/v1/sales-orders/"


def lamp_and_desk():
    return (
        ItemFactory(number="A", name="Lamp", unit_price=Decimal("12.50"), tax_code=tax_code("NL21")),
        ItemFactory(number="B", name="Desk", unit_price=Decimal("30.00"), tax_code=tax_code("NL9")),
    )


def test_create_order_with_two_lines(integrator):
    # given
    item_a, item_b = lamp_and_desk()
    customer = make_customer(party=PartyFactory(name="Fabrikam"))

    # when
    response = api_client(integrator).post(
        URL,
        {
            "customer": customer.pk,
            "customer_reference": "PO-77",
            "lines": [{"item": item_a.pk, "quantity": "10"}, {"item": item_b.pk, "quantity": "4"}],
        },
        format="json",
    )

    # then: totals per tax code, as strings
    assert response.status_code == 201, response.content
    order = SalesOrder.objects.get()
    body = response.json()
    assert body["id"] == order.pk
    assert (body["number"], body["state"], body["customer"], body["customer_number"], body["customer_name"]) == (
        "SO-000001",
        "open",
        customer.pk,
        "C00001",
        "Fabrikam",
    )
    assert (body["amount_net"], body["amount_tax"], body["amount_total"]) == ("245.00", "37.05", "282.05")
    assert (body["customer_reference"], body["order_type"], body["currency"]) == ("PO-77", "sales", "EUR")
    lines = [{k: v for k, v in line.items() if k not in ("id", "requested_ship_date")} for line in body["lines"]]
    assert lines == [
        {
            "line_no": 10,
            "line_type": "item",
            "item": item_a.pk,
            "item_number": "A",
            "description": "Lamp",
            "quantity": "10.000",
            "unit": "pcs",
            "unit_price": "12.5000",
            "discount_percent": "0.00",
            "price_source": "item_price",
            "tax_code": "NL21",
            "net_amount": "125.00",
            "confirmed_ship_date": None,
            "qty_delivered": "0.000",
            "qty_invoiced": "0.000",
            "qty_returned": "0.000",
            "qty_credited": "0.000",
            "qty_closed_short": "0.000",
            "qty_reserved": "0.000",
            "close_short_reason": "",
            "deliver_remainder": "10.000",
            "invoice_remainder": "0.000",
            "agreement_line": None,
            "returned_line": None,
        },
        {
            "line_no": 20,
            "line_type": "item",
            "item": item_b.pk,
            "item_number": "B",
            "description": "Desk",
            "quantity": "4.000",
            "unit": "pcs",
            "unit_price": "30.0000",
            "discount_percent": "0.00",
            "price_source": "item_price",
            "tax_code": "NL9",
            "net_amount": "120.00",
            "confirmed_ship_date": None,
            "qty_delivered": "0.000",
            "qty_invoiced": "0.000",
            "qty_returned": "0.000",
            "qty_credited": "0.000",
            "qty_closed_short": "0.000",
            "qty_reserved": "0.000",
            "close_short_reason": "",
            "deliver_remainder": "4.000",
            "invoice_remainder": "0.000",
            "agreement_line": None,
            "returned_line": None,
        },
    ]
    assert order.created_by == integrator


def test_create_order_with_own_price_discount_and_description(integrator):
    # given
    item_a, _item_b = lamp_and_desk()

    # when
    response = api_client(integrator).post(
        URL,
        {
            "customer": make_customer().pk,
            "lines": [
                {
                    "item": item_a.pk,
                    "quantity": "3",
                    "unit_price": "20",
                    "discount_percent": "10",
                    "description": "Lamp, brass",
                }
            ],
        },
        format="json",
    )

    # then: 3 × 20.00 − 10 % = 54.00, plus 21 % tax
    assert response.status_code == 201, response.content
    line = response.json()["lines"][0]
    assert (line["description"], line["unit_price"], line["discount_percent"], line["net_amount"]) == (
        "Lamp, brass",
        "20.0000",
        "10.00",
        "54.00",
    )
    assert (response.json()["amount_tax"], response.json()["amount_total"]) == ("11.34", "65.34")


def test_create_order_names_the_bad_line_field(integrator):
    # given
    item_a, item_b = lamp_and_desk()
    customer = make_customer()
    api = api_client(integrator)

    # when: not a number on the first line, zero on the second
    not_a_number = api.post(
        URL, {"customer": customer.pk, "lines": [{"item": item_a.pk, "quantity": "ten"}]}, format="json"
    )
    zero = api.post(
        URL,
        {
            "customer": customer.pk,
            "lines": [{"item": item_a.pk, "quantity": "1"}, {"item": item_b.pk, "quantity": "0"}],
        },
        format="json",
    )
    no_lines = api.post(URL, {"customer": customer.pk, "lines": []}, format="json")

    # then
    assert problem(not_a_number, 400)["errors"] == [
        {"field": "lines[0].quantity", "message": "A valid number is required."}
    ]
    body = problem(zero, 400)
    assert body["errors"] == [{"field": "lines[1].quantity", "message": "Quantity must be greater than zero."}]
    assert body["detail"] == "lines[1].quantity: Quantity must be greater than zero."
    assert problem(no_lines, 400)["errors"] == [{"field": "lines", "message": "This list may not be empty."}]
    assert SalesOrder.objects.count() == 0


def test_create_order_for_blocked_customer_is_refused(integrator):
    # given
    item_a, _ = lamp_and_desk()
    customer = make_customer(blocked=True, blocked_reason="Unpaid since May")

    # when
    response = api_client(integrator).post(
        URL, {"customer": customer.pk, "lines": [{"item": item_a.pk, "quantity": "1"}]}, format="json"
    )

    # then
    assert problem(response, 400)["errors"] == [
        {"field": "customer", "message": "Customer C00001 is blocked: Unpaid since May."}
    ]


def test_confirm_order(integrator):
    # given
    order = make_order(by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{order.pk}/confirm/")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "confirmed"
    assert response.json()["confirmed_at"] is not None
    order.refresh_from_db()
    assert order.state == "confirmed"


def test_confirm_twice_is_a_409_with_the_reason(integrator):
    # given
    order = order_confirm(order=make_order(by=integrator), by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{order.pk}/confirm/")

    # then
    body = problem(response, 409)
    assert body["code"] == "order-not-confirmable"
    assert body["title"] == "Transition refused"
    assert body["detail"] == "Order SO-000001 is Confirmed: only open orders can be confirmed."


def test_cancel_order_with_reason(integrator):
    # given
    order = make_order(by=integrator)

    # when
    response = api_client(integrator).post(
        f"{URL}{order.pk}/cancel/", {"reason": "Customer changed mind"}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["cancel_reason"]) == ("canceled", "Customer changed mind")


def test_cancel_without_body(integrator):
    # given
    order = make_order(by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{order.pk}/cancel/")

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["cancel_reason"]) == ("canceled", "")


def test_cancel_after_delivery_is_refused_with_the_reason(integrator):
    # given: 6 of 10 shipped
    item_a, _ = lamp_and_desk()
    order = order_confirm(order=make_order(lines=[(item_a, "10")], by=integrator), by=integrator)
    line = order.lines.get()
    packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line.pk: Decimal("6")}, by=integrator),
        by=integrator,
    )

    # when
    response = api_client(integrator).post(f"{URL}{order.pk}/cancel/", {"reason": "Too late"}, format="json")

    # then: refused, nothing changed
    body = problem(response, 409)
    assert body["code"] == "order-not-cancelable"
    assert body["detail"] == ("6 units already shipped: the order can no longer be canceled." + CANCEL_HINT)
    assert body["instance"] == f"/api/v1/sales-orders/{order.pk}/cancel/"
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("confirmed", "")


def test_actions_need_change_permission(billing):
    # given
    order = make_order()

    # when: billing clerks may read orders but not change them
    read = api_client(billing).get(f"{URL}{order.pk}/")
    confirm = api_client(billing).post(f"{URL}{order.pk}/confirm/")
    create = api_client(billing).post(URL, {"customer": order.customer_id, "lines": []}, format="json")

    # then
    assert read.status_code == 200
    assert problem(confirm, 403)["code"] == "permission-denied"
    assert problem(create, 403)["code"] == "permission-denied"
    order.refresh_from_db()
    assert order.state == "open"


def test_unknown_order_is_404_for_reads_and_actions(integrator):
    # when
    api = api_client(integrator)

    # then
    assert problem(api.get(f"{URL}999999/"), 404)["code"] == "not-found"
    assert problem(api.post(f"{URL}999999/confirm/"), 404)["code"] == "not-found"


def test_state_changes_only_through_actions(integrator):
    # given
    order = make_order(by=integrator)
    api = api_client(integrator)

    # when
    patch = api.patch(f"{URL}{order.pk}/", {"state": "confirmed"}, format="json")
    delete = api.delete(f"{URL}{order.pk}/")

    # then: a PATCH may change the header only, and says so for the state
    assert problem(patch, 400)["errors"] == [
        {
            "field": "state",
            "message": "This field is read-only.",
        }
    ]
    assert problem(delete, 405)["code"] == "method-not-allowed"
    order.refresh_from_db()
    assert order.state == "open"


def test_list_filters(integrator):
    # given
    alpha = make_customer(party=PartyFactory(name="Alpha"))
    bravo = make_customer(party=PartyFactory(name="Bravo"))
    first = make_order(customer=alpha, by=integrator)
    second = order_confirm(order=make_order(customer=bravo, by=integrator), by=integrator)
    third = make_order(customer=alpha, by=integrator)
    SalesOrder.objects.filter(pk=first.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    api = api_client(integrator)

    def numbers(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]]

    # then
    assert numbers({}) == [third.number, second.number, first.number]
    assert numbers({"state": "confirmed"}) == [second.number]
    assert numbers({"customer": alpha.pk}) == [third.number, first.number]
    assert numbers({"number": "so-000002"}) == [second.number]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert numbers({"updated_since": since}) == [third.number, second.number]
    assert numbers({"search": "bravo"}) == [second.number]


def test_list_rejects_a_bad_filter_value(integrator):
    # when
    response = api_client(integrator).get(URL, {"updated_since": "yesterday", "state": "lost"})

    # then
    body = problem(response, 400)
    assert [error["field"] for error in body["errors"]] == ["state", "updated_since"]


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given
    item_a, item_b = lamp_and_desk()
    customer = make_customer()
    api = api_client(integrator)
    for _ in range(3):
        make_order(customer=customer, lines=[(item_a, "1"), (item_b, "2")])

    # then: token, permissions (one query), orders with customer codes, lines with item and tax codes,
    # subscription periods
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    for _ in range(27):
        make_order(customer=make_customer(), lines=[(ItemFactory(), "1"), (item_b, "2")])

    # then
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 30


def test_list_pages_with_a_cursor(integrator):
    # given
    for _ in range(3):
        make_order()
    api = api_client(integrator)

    # when
    first_page = api.get(URL, {"page_size": 2}).json()
    second_page = api.client.get(first_page["next"]) if hasattr(api, "client") else api.get(first_page["next"])

    # then
    assert [row["number"] for row in first_page["results"]] == ["SO-000003", "SO-000002"]
    assert first_page["previous"] is None
    assert [row["number"] for row in second_page.json()["results"]] == ["SO-000001"]
    assert second_page.json()["next"] is None


# --- order types, header changes, limits and dates -----------------------------------------------------------------


def order_row(order) -> tuple:
    order.refresh_from_db()
    return (
        order.order_type,
        order.state,
        order.requested_ship_date,
        order.customer_reference,
        order.external_document_number,
        order.updated_at,
    )


def test_unit_price_beyond_the_limit_is_a_400_naming_the_field(integrator):
    # given
    item_a, _ = lamp_and_desk()
    customer = make_customer()

    # when
    response = api_client(integrator).post(
        URL,
        {"customer": customer.pk, "lines": [{"item": item_a.pk, "quantity": "1", "unit_price": "99999999999999.9999"}]},
        format="json",
    )

    # then
    assert problem(response, 400)["errors"] == [
        {"field": "lines[0].unit_price", "message": "Ensure this value is less than or equal to 9999999999.9999."}
    ]
    assert SalesOrder.objects.count() == 0


def test_line_amount_and_order_total_beyond_the_limit_are_400s(integrator):
    # given: 21 % tax on the lamp
    item_a, _ = lamp_and_desk()
    customer = make_customer()
    api = api_client(integrator)

    # when
    line_too_large = api.post(
        URL,
        {"customer": customer.pk, "lines": [{"item": item_a.pk, "quantity": "1000", "unit_price": "1000000000"}]},
        format="json",
    )
    total_too_large = api.post(
        URL,
        {"customer": customer.pk, "lines": [{"item": item_a.pk, "quantity": "900", "unit_price": "1000000000"}]},
        format="json",
    )

    # then
    assert problem(line_too_large, 400)["errors"] == [
        {
            "field": "lines[0].quantity",
            "message": "The line amount 1000000000000.00 is more than the 999999999999.99 a line may carry: "
            "lower the quantity or the price.",
        }
    ]
    body = problem(total_too_large, 400)
    assert body["code"] == "order-total-too-large"
    assert body["errors"] == [
        {
            "field": "lines",
            "message": "The order total 1089000000000.00 is more than the 999999999999.99 an order may carry: "
            "split it into several orders.",
        }
    ]
    assert SalesOrder.objects.count() == 0


def test_create_refuses_dates_out_of_the_window(integrator):
    # given
    item_a, _ = lamp_and_desk()

    # when
    response = api_client(integrator).post(
        URL,
        {
            "customer": make_customer().pk,
            "order_date": "2026-06-01",
            "requested_ship_date": "9999-12-31",
            "lines": [{"item": item_a.pk, "quantity": "1", "requested_ship_date": "2026-05-31"}],
        },
        format="json",
    )

    # then
    assert problem(response, 400)["errors"] == [
        {"field": "requested_ship_date", "message": "Enter a date between 2000-01-01 and 2099-12-31."},
        {
            "field": "lines[0].requested_ship_date",
            "message": "The requested ship date cannot be before the order date (2026-06-01).",
        },
    ]
    assert SalesOrder.objects.count() == 0


def test_patch_switches_a_journal_order_to_sales(integrator):
    # given
    order = make_order(order_type="journal", order_date=datetime.date(2026, 6, 1), by=integrator)

    # when
    response = api_client(integrator).patch(
        f"{URL}{order.pk}/",
        {"order_type": "sales", "requested_ship_date": "2026-06-15", "customer_reference": "PO-88"},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["order_type"], body["requested_ship_date"], body["customer_reference"], body["state"]) == (
        "sales",
        "2026-06-15",
        "PO-88",
        "open",
    )
    assert body["lines"][0]["requested_ship_date"] == "2026-06-15"
    assert api_client(integrator).post(f"{URL}{order.pk}/confirm/").json()["state"] == "confirmed"


def test_patch_to_a_returned_order_is_refused(integrator):
    # given
    order = make_order(order_type="journal", by=integrator)
    before = order_row(order)

    # when
    response = api_client(integrator).patch(
        f"{URL}{order.pk}/", {"order_type": "returned_order", "customer_reference": "PO-1"}, format="json"
    )

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {
            "field": "order_type",
            "message": "A returned order is entered as one (it has an RMA number and lines naming what comes back): "
            f"create a new order instead of changing the type of {order.number}.",
        }
    ]
    assert order_row(order) == before


def test_patch_of_a_confirmed_order_is_a_409(integrator):
    # given
    order = order_confirm(order=make_order(by=integrator), by=integrator)
    before = order_row(order)

    # when
    response = api_client(integrator).patch(f"{URL}{order.pk}/", {"customer_reference": "PO-2"}, format="json")

    # then
    body = problem(response, 409)
    assert body["code"] == "order-not-editable"
    assert (
        body["detail"]
        == "Order SO-000001 is Confirmed: its lines, type, dates and references only change while it is open."
    )
    assert order_row(order) == before


def test_patch_needs_change_permission(billing):
    # given
    order = make_order(order_type="journal")
    before = order_row(order)

    # when
    response = api_client(billing).patch(f"{URL}{order.pk}/", {"order_type": "sales"}, format="json")

    # then
    assert problem(response, 403)["code"] == "permission-denied"
    assert order_row(order) == before
