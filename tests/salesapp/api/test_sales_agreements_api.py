import datetime
from decimal import Decimal

from django.utils import timezone

from salesapp.models import SalesAgreement, SalesOrder
from tests.core.api.helpers import api_client, problem
from tests.factories.agreements import make_sales_agreement, this_year
from tests.factories.salesapp import ItemFactory, make_agreement, make_customer

URL = "/api/v1/sales-agreements/"
D = Decimal


def test_agreement_through_the_api_from_creation_to_release(manager, clerk):
    # given: a customer whose own trade agreement sells A at 9.00
    customer = make_customer()
    lamp = ItemFactory(number="A", unit_price=D("12.50"))
    desk = ItemFactory(number="B", unit_price=D("30.00"))
    make_agreement(applies_to="customer", customer=customer, item=lamp, unit_price=D("9"))
    valid_from, valid_to = this_year()
    client = api_client(manager)

    # when: a manager creates, changes and activates it, then changes it again (v2)
    created = client.post(
        URL,
        {
            "customer": customer.pk,
            "commitment_type": "product_quantity",
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
            "default_discount_percent": "2",
            "lines": [{"item": lamp.pk, "committed_quantity": "100", "unit_price": "11"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert (body["state"], body["currency"], body["customer_number"]) == ("on_hold", "EUR", customer.number)
    added = client.post(
        f"{URL}{pk}/lines/", {"item": desk.pk, "committed_quantity": "10", "unit_price": "28"}, format="json"
    )
    assert added.status_code == 201, added.content
    assert client.post(f"{URL}{pk}/activate/").json()["state"] == "effective"
    line_b = added.json()["lines"][1]["id"]
    changed = client.patch(f"{URL}{pk}/lines/{line_b}/", {"unit_price": "27.5"}, format="json")
    assert changed.status_code == 200, changed.content
    versions = client.get(f"{URL}{pk}/versions/").json()
    assert [(v["number"], v["changes"], v["created_by"]) for v in versions] == [
        (2, ["Line 20 (B): unit price 28 → 27.5"], manager.username),
        (1, ["First version: the agreement became effective."], manager.username),
    ]

    # and a clerk releases 5 A
    line_a = body["lines"][0]["id"]
    released = api_client(clerk).post(
        f"{URL}{pk}/release/",
        {
            "requested_ship_date": timezone.localdate().isoformat(),
            "lines": [{"agreement_line": line_a, "quantity": "5"}],
        },
        format="json",
    )

    # then: an order at the agreement's price (11.00 less 2 %), linked to the agreement
    assert released.status_code == 201, released.content
    order = released.json()
    assert (order["agreement"], order["state"], order["amount_net"]) == (pk, "open", "53.90")
    assert [(line["unit_price"], line["price_source"], line["agreement_line"]) for line in order["lines"]] == [
        ("11.0000", "sales_agreement", line_a)
    ]
    fulfilment = client.get(f"{URL}{pk}/fulfilment/").json()
    assert fulfilment["measure"] == "quantity"
    assert [(f["item_number"], f["committed"], f["released"], f["remaining"]) for f in fulfilment["lines"]] == [
        ("A", "100.000", "5.000", "95.000"),
        ("B", "10.000", "0.000", "10.000"),
    ]
    assert (fulfilment["total"]["committed"], fulfilment["total"]["released"], fulfilment["met"]) == (
        "110.000",
        "5.000",
        False,
    )


def test_release_outside_validity_is_a_problem_naming_the_field(clerk, manager):
    agreement = make_sales_agreement(
        lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}], effective=True, by=manager
    )
    late = agreement.valid_to + datetime.timedelta(days=1)
    response = api_client(clerk).post(
        f"{URL}{agreement.pk}/release/",
        {
            "requested_ship_date": late.isoformat(),
            "lines": [{"agreement_line": agreement.lines.get().pk, "quantity": "1"}],
        },
        format="json",
    )
    assert [error["field"] for error in problem(response, 400)["errors"]] == ["requested_ship_date"]
    assert SalesOrder.objects.count() == 0


def test_refusals_and_unknown_fields(manager):
    client = api_client(manager)
    agreement = make_sales_agreement(
        lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}], by=manager
    )

    def snapshot():
        row = SalesAgreement.objects.values("state", "valid_to", "version_count", "updated_at").get(pk=agreement.pk)
        return row, list(agreement.lines.values_list("pk", "committed_quantity", "committed_amount", "unit_price"))

    before = snapshot()
    unknown = client.patch(f"{URL}{agreement.pk}/", {"valid_till": "2030-01-01"}, format="json")
    assert [error["field"] for error in problem(unknown, 400)["errors"]] == ["valid_till"]
    on_hold = client.post(f"{URL}{agreement.pk}/close/")
    assert problem(on_hold, 409)["code"] == "sales-agreement-not-closable"
    bad_line = client.post(
        f"{URL}{agreement.pk}/lines/",
        {"item": ItemFactory().pk, "committed_amount": "10", "unit_price": "1"},
        format="json",
    )
    assert {error["field"] for error in problem(bad_line, 400)["errors"]} == {"committed_quantity", "committed_amount"}
    # none of the refused requests changed anything
    assert snapshot() == before
    assert client.post(f"{URL}{agreement.pk}/cancel/", {"reason": "Not signed"}, format="json").json()["state"] == (
        "canceled"
    )


def test_who_may_do_what(clerk, manager, billing):
    agreement = make_sales_agreement(
        lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}], by=manager
    )
    # everyone in sales reads; clerks neither create nor activate; billing does not release
    assert api_client(clerk).get(f"{URL}{agreement.pk}/").status_code == 200
    assert api_client(clerk).post(f"{URL}{agreement.pk}/activate/").status_code == 403
    created = api_client(clerk).post(URL, {"customer": agreement.customer_id}, format="json")
    assert created.status_code == 403
    api_client(manager).post(f"{URL}{agreement.pk}/activate/")
    refused = api_client(billing).post(
        f"{URL}{agreement.pk}/release/",
        {
            "requested_ship_date": timezone.localdate().isoformat(),
            "lines": [{"agreement_line": agreement.lines.get().pk, "quantity": "1"}],
        },
        format="json",
    )
    assert refused.status_code == 403
    assert SalesOrder.objects.count() == 0
    assert SalesAgreement.objects.get(pk=agreement.pk).state == "effective"


def test_list_is_a_constant_number_of_queries(manager, django_assert_max_num_queries):
    for _n in range(5):
        make_sales_agreement(lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}], by=manager)
    client = api_client(manager)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.json()["results"]) == 5
