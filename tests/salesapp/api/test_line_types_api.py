"""Write-in and comment lines, and the confirmation of a zero or below-cost price, through the API."""

from decimal import Decimal

import pytest

from salesapp.line_types import DESCRIPTION_LENGTH
from salesapp.models import QuotationLine, SalesOrder, SalesOrderLine
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_write_in_item, tax_code

ORDERS = "/api/v1/sales-orders/"
QUOTATIONS = "/api/v1/quotations/"
D = Decimal
LONG_TEXT = " ".join(f"word{n:03d}" for n in range(60))  # 479 characters: the line and one continuation


@pytest.fixture
def lamp(db):
    make_write_in_item()
    return ItemFactory(number="A", name="Lamp", unit_price=D("12.50"), unit_cost=D("5"), tax_code=tax_code("NL21"))


def shown(lines) -> list[tuple]:
    fields = ("line_no", "line_type", "item_number", "quantity", "net_amount", "tax_code")
    return [tuple(line[name] for name in fields) for line in lines]


def test_an_order_with_a_write_in_and_a_comment_line(integrator, lamp):
    # given
    api = api_client(integrator)

    # when
    response = api.post(
        ORDERS,
        {
            "customer": make_customer().pk,
            "lines": [
                {"item": lamp.pk, "quantity": "2"},
                {"line_type": "write_in", "description": "Bracket 40 mm", "quantity": "3", "unit_price": "4.20"},
                {"line_type": "comment", "description": LONG_TEXT, "quantity": "0"},
            ],
        },
        format="json",
    )

    # then: the comment's text continues on line 31; comments have no tax code and no amount
    assert response.status_code == 201, response.content
    body = response.json()
    assert shown(body["lines"]) == [
        (10, "item", "A", "2.000", "25.00", "NL21"),
        (20, "write_in", "WRITE-IN", "3.000", "12.60", "NL21"),
        (30, "comment", None, "0.000", "0.00", None),
        (31, "comment", None, "0.000", "0.00", None),
    ]
    assert body["lines"][1]["description"] == "Bracket 40 mm"
    assert " ".join(line["description"] for line in body["lines"][2:]) == LONG_TEXT
    # 25.00 + 12.60 = 37.60 net, 21 % tax 7.90
    assert (body["amount_net"], body["amount_tax"], body["amount_total"]) == ("37.60", "7.90", "45.50")

    # and the list reads the comment lines too
    listed = api.get(ORDERS).json()["results"][0]
    assert shown(listed["lines"]) == shown(body["lines"])


def test_a_write_in_without_price_and_a_line_without_item_name_their_fields(integrator, lamp):
    # when
    response = api_client(integrator).post(
        ORDERS,
        {
            "customer": make_customer().pk,
            "lines": [
                {"quantity": "1"},
                {"line_type": "write_in", "description": "Bracket", "quantity": "1"},
                {"line_type": "comment", "quantity": "0"},
                {"item": lamp.pk, "quantity": "1", "description": "x" * (DESCRIPTION_LENGTH + 1)},
            ],
        },
        format="json",
    )

    # then
    errors = {error["field"] for error in problem(response, 400)["errors"]}
    assert errors == {"lines[0].item", "lines[1].unit_price", "lines[2].description", "lines[3].description"}
    assert not SalesOrder.objects.exists()


def test_a_zero_price_on_an_order_needs_confirm_price(integrator, lamp):
    api = api_client(integrator)
    order = {"customer": make_customer().pk, "lines": [{"item": lamp.pk, "quantity": "1", "unit_price": "0"}]}

    # when: not confirmed
    refused = api.post(ORDERS, order, format="json")

    # then
    body = problem(refused, 400)
    assert [error["field"] for error in body["errors"]] == ["lines[0].confirm_price"]
    assert "zero" in body["errors"][0]["message"]
    assert not SalesOrder.objects.exists()

    # when: confirmed
    order["lines"][0]["confirm_price"] = True
    accepted = api.post(ORDERS, order, format="json")

    # then
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["lines"][0]["net_amount"] == "0.00"


def test_a_quotation_with_a_write_in_and_a_comment_line(integrator, lamp):
    # given
    api = api_client(integrator)
    created = api.post(
        QUOTATIONS,
        {
            "party": PartyFactory().pk,
            "lines": [{"line_type": "write_in", "description": "Custom shelf", "quantity": "1", "unit_price": "80"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    # when
    added = api.post(
        f"{QUOTATIONS}{pk}/lines/", {"line_type": "comment", "description": "Fitted on site", "quantity": "0"}
    )

    # then
    assert added.status_code == 201, added.content
    body = added.json()
    assert shown(body["lines"]) == [
        (10, "write_in", "WRITE-IN", "1.000", "80.00", "NL21"),
        (20, "comment", None, "0.000", "0.00", None),
    ]
    assert body["amount_net"] == "80.00"
    assert api.get(f"{QUOTATIONS}{pk}/").json()["lines"][1]["description"] == "Fitted on site"


def test_a_below_cost_price_on_a_quotation_needs_confirm_price_when_added_and_changed(integrator, lamp):
    # given: a draft with the lamp at its catalogue price
    api = api_client(integrator)
    pk = api.post(
        QUOTATIONS, {"party": PartyFactory().pk, "lines": [{"item": lamp.pk, "quantity": "1"}]}, format="json"
    ).json()["id"]
    line = QuotationLine.objects.get(quotation_id=pk)

    # when: a line added below the unit cost of 5, then confirmed
    refused = api.post(f"{QUOTATIONS}{pk}/lines/", {"item": lamp.pk, "quantity": "1", "unit_price": "4"})
    accepted = api.post(
        f"{QUOTATIONS}{pk}/lines/", {"item": lamp.pk, "quantity": "1", "unit_price": "4", "confirm_price": True}
    )

    # then
    assert [error["field"] for error in problem(refused, 400)["errors"]] == ["confirm_price"]
    assert accepted.status_code == 201, accepted.content

    # when: the first line changed to zero, then confirmed
    url = f"{QUOTATIONS}{pk}/lines/{line.pk}/"
    refused = api.patch(url, {"unit_price": "0"}, format="json")
    accepted = api.patch(url, {"unit_price": "0", "confirm_price": True}, format="json")

    # then
    assert [error["field"] for error in problem(refused, 400)["errors"]] == ["confirm_price"]
    assert accepted.status_code == 200, accepted.content
    assert [row["net_amount"] for row in accepted.json()["lines"]] == ["0.00", "4.00"]
    assert accepted.json()["amount_net"] == "4.00"


def test_an_order_from_a_quotation_keeps_its_text_lines(integrator, lamp):
    # given
    api = api_client(integrator)
    pk = api.post(
        QUOTATIONS,
        {
            "customer": make_customer().pk,
            "lines": [
                {"line_type": "write_in", "description": "Custom shelf", "quantity": "2", "unit_price": "80"},
                {"line_type": "comment", "description": "Fitted on site", "quantity": "0"},
            ],
        },
        format="json",
    ).json()["id"]
    api.post(f"{QUOTATIONS}{pk}/send/")

    # when
    accepted = api.post(f"{QUOTATIONS}{pk}/accept/", {"revision": 1}, format="json")

    # then
    assert accepted.status_code == 200, accepted.content
    lines = SalesOrderLine.objects.filter(order_id=accepted.json()["sales_order"]).order_by("line_no")
    assert [(line.line_type, line.description, line.net_amount) for line in lines] == [
        ("write_in", "Custom shelf", D("160.00")),
        ("comment", "Fitted on site", D("0.00")),
    ]
