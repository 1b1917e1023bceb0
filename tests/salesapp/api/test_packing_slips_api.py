from decimal import Decimal

from salesapp.models import Item, PackingSlip
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

URL = "/api/v1/packing-slips/"


def confirmed_order(by):
    """10 × A and 4 × B, confirmed."""
    item_a = Item.objects.filter(number="A").first() or ItemFactory(number="A", tax_code=tax_code("NL21"))
    item_b = Item.objects.filter(number="B").first() or ItemFactory(number="B", tax_code=tax_code("NL9"))
    order = make_order(customer=make_customer(), lines=[(item_a, "10"), (item_b, "4")], by=by)
    order = order_confirm(order=order, by=by)
    line_a, line_b = order.lines.order_by("line_no")
    return order, line_a, line_b


def test_create_partial_packing_slip(integrator):
    # given
    order, line_a, line_b = confirmed_order(integrator)

    # when
    response = api_client(integrator).post(
        URL,
        {"order": order.pk, "ship_date": "2025-03-14", "lines": [{"order_line": line_a.pk, "quantity": "6"}]},
        format="json",
    )

    # then: a draft without number; nothing delivered yet
    assert response.status_code == 201, response.content
    slip = PackingSlip.objects.get()
    body = response.json()
    assert (body["id"], body["number"], body["state"], body["order"], body["order_number"], body["ship_date"]) == (
        slip.pk,
        None,
        "draft",
        order.pk,
        "SO-000001",
        "2025-03-14",
    )
    assert [{k: v for k, v in line.items() if k != "id"} for line in body["lines"]] == [
        {
            "order_line": line_a.pk,
            "line_no": 10,
            "item": line_a.item_id,
            "item_number": "A",
            "quantity": "6.000",
            "unit": "pcs",
            "disposition": "",
            "qty_invoiced": "0.000",
        }
    ]
    line_a.refresh_from_db()
    assert line_a.qty_delivered == 0


def test_create_without_lines_ships_every_remainder(integrator):
    # given
    order, line_a, line_b = confirmed_order(integrator)

    # when
    response = api_client(integrator).post(URL, {"order": order.pk}, format="json")

    # then
    assert response.status_code == 201, response.content
    assert [(line["order_line"], line["quantity"]) for line in response.json()["lines"]] == [
        (line_a.pk, "10.000"),
        (line_b.pk, "4.000"),
    ]


def test_post_packing_slip(integrator):
    # given
    order, line_a, _ = confirmed_order(integrator)
    slip = packing_slip_create(order=order, quantities={line_a.pk: Decimal("6")}, by=integrator)
    api = api_client(integrator)

    # when
    response = api.post(f"{URL}{slip.pk}/post/")

    # then: numbered, delivered quantities booked on the order line
    assert response.status_code == 200, response.content
    assert (response.json()["number"], response.json()["state"]) == ("PS-000001", "posted")
    assert response.json()["posted_at"] is not None
    line = api.get(f"/api/v1/sales-orders/{order.pk}/").json()["lines"][0]
    assert (line["qty_delivered"], line["deliver_remainder"], line["invoice_remainder"]) == (
        "6.000",
        "4.000",
        "6.000",
    )


def test_post_twice_is_refused(integrator):
    # given
    order, line_a, _ = confirmed_order(integrator)
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=integrator), by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{slip.pk}/post/")

    # then
    body = problem(response, 409)
    assert body["code"] == "packing-slip-posted"
    assert body["detail"] == "Packing slip PS-000001 is already posted."


def test_over_delivery_on_create_names_the_line_of_the_request(integrator):
    # given
    order, line_a, line_b = confirmed_order(integrator)

    # when: the second line of the request asks 11 of the 10 ordered
    response = api_client(integrator).post(
        URL,
        {
            "order": order.pk,
            "lines": [{"order_line": line_b.pk, "quantity": "1"}, {"order_line": line_a.pk, "quantity": "11"}],
        },
        format="json",
    )

    # then
    body = problem(response, 400)
    assert body["code"] == "over-delivery"
    assert body["errors"] == [{"field": "lines[1].quantity", "message": "Only 10 pcs of A left to deliver; 11 asked."}]
    assert body["detail"] == "lines[1].quantity: Only 10 pcs of A left to deliver; 11 asked."
    assert PackingSlip.objects.count() == 0


def test_over_delivery_on_post_is_a_409(integrator):
    # given: two drafts of 6 each for 10 ordered; the first is posted
    order, line_a, _ = confirmed_order(integrator)
    first = packing_slip_create(order=order, quantities={line_a.pk: Decimal("6")}, by=integrator)
    second = packing_slip_create(order=order, quantities={line_a.pk: Decimal("6")}, by=integrator)
    packing_slip_post(packing_slip=first, by=integrator)

    # when
    response = api_client(integrator).post(f"{URL}{second.pk}/post/")

    # then
    body = problem(response, 409)
    assert body["code"] == "over-delivery"
    assert body["detail"] == "Line 10 (A): 6 on the slip but only 4 left to deliver. Lower the quantity."
    second.refresh_from_db()
    assert (second.state, second.number) == ("draft", None)


def test_line_of_another_order_and_duplicates_are_refused(integrator):
    # given
    order, line_a, _ = confirmed_order(integrator)
    _other, foreign_line, _ = confirmed_order(integrator)
    api = api_client(integrator)

    # when
    foreign = api.post(
        URL,
        {
            "order": order.pk,
            "lines": [{"order_line": line_a.pk, "quantity": "1"}, {"order_line": foreign_line.pk, "quantity": "1"}],
        },
        format="json",
    )
    twice = api.post(
        URL,
        {
            "order": order.pk,
            "lines": [{"order_line": line_a.pk, "quantity": "1"}, {"order_line": line_a.pk, "quantity": "2"}],
        },
        format="json",
    )

    # then
    assert problem(foreign, 400)["errors"] == [
        {"field": "lines[1].order_line", "message": f"Line {foreign_line.pk} is not a line of order SO-000001."}
    ]
    assert problem(twice, 400)["errors"] == [{"field": "lines", "message": f"Order line {line_a.pk} is listed twice."}]
    assert PackingSlip.objects.count() == 0


def test_open_order_cannot_be_delivered(integrator):
    # given
    order = make_order(by=integrator)

    # when
    response = api_client(integrator).post(URL, {"order": order.pk}, format="json")

    # then
    body = problem(response, 409)
    assert body["code"] == "order-not-deliverable"
    assert body["detail"] == "Order SO-000001 is open: confirm it first."


def test_list_filters(integrator):
    # given
    order, line_a, line_b = confirmed_order(integrator)
    posted = packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line_a.pk: Decimal("1")}, by=integrator),
        by=integrator,
    )
    draft = packing_slip_create(order=order, quantities={line_b.pk: Decimal("1")}, by=integrator)
    other_order, *_ = confirmed_order(integrator)
    other = packing_slip_create(order=other_order, by=integrator)
    api = api_client(integrator)

    def ids(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then
    assert ids({}) == [other.pk, draft.pk, posted.pk]
    assert ids({"state": "posted"}) == [posted.pk]
    assert ids({"order": order.pk}) == [draft.pk, posted.pk]
    assert ids({"number": "ps-000001"}) == [posted.pk]


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given
    api = api_client(integrator)
    for _ in range(3):
        order, *_ = confirmed_order(integrator)
        packing_slip_create(order=order, by=integrator)

    # then: token, permissions, slips with order and customer, lines with order lines and items
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    for _ in range(27):
        order, *_ = confirmed_order(integrator)
        packing_slip_create(order=order, by=integrator)

    # then
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 30


def test_post_needs_change_permission_and_an_existing_slip(billing, integrator):
    # given
    order, *_ = confirmed_order(integrator)
    slip = packing_slip_create(order=order, by=integrator)

    # when
    refused = api_client(billing).post(f"{URL}{slip.pk}/post/")
    missing = api_client(integrator).post(f"{URL}999999/post/")

    # then
    assert problem(refused, 403)["code"] == "permission-denied"
    assert problem(missing, 404)["code"] == "not-found"
    slip.refresh_from_db()
    assert slip.state == "draft"


def test_negative_quantity_is_refused_with_its_own_code(integrator):
    # given
    order, line_a, line_b = confirmed_order(integrator)

    # when: the second line of the request asks for -1
    response = api_client(integrator).post(
        URL,
        {
            "order": order.pk,
            "lines": [{"order_line": line_a.pk, "quantity": "2"}, {"order_line": line_b.pk, "quantity": "-1"}],
        },
        format="json",
    )

    # then
    body = problem(response, 400)
    assert body["code"] == "packing-slip-quantity-invalid"
    assert body["errors"] == [
        {"field": "lines[1].quantity", "message": "Enter zero or more to ship for line 20; -1 is below zero."}
    ]
    assert PackingSlip.objects.count() == 0
    assert list(order.lines.order_by("line_no").values_list("qty_delivered", flat=True)) == [0, 0]
