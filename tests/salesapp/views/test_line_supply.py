import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesapp.models import InboundSupplyLine
from salesapp.services.line_supply import order_line_supply_set
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_order

NEXT_WEEK = datetime.date.today() + datetime.timedelta(days=7)


def confirmed(clerk):
    return order_confirm(order=make_order(lines=[(ItemFactory(stock=0), "5")], by=clerk), by=clerk)


def page_queries(client, order) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("salesapp:order_detail", args=[order.pk]))
    return len(queries)


def test_the_order_page_orders_a_line_from_a_vendor_and_shows_it(client, clerk, manager):
    # given
    order = confirmed(clerk)
    line = order.lines.get()
    vendor = PartyFactory(name="Lampen Groothandel")
    client.force_login(manager)
    detail = reverse("salesapp:order_detail", args=[order.pk])
    action = reverse("salesapp:order_line_supply", args=[order.pk, line.pk])
    assert f'action="{action}"' in client.get(detail).content.decode()

    # when
    response = client.post(
        action,
        {
            f"supply-{line.pk}-supply": "drop_shipment",
            f"supply-{line.pk}-vendor": vendor.pk,
            f"supply-{line.pk}-expected_date": NEXT_WEEK.isoformat(),
            f"supply-{line.pk}-reference": "PO-1",
        },
        follow=True,
    )

    # then
    supply = InboundSupplyLine.objects.get(order_line=line)
    assert [str(m) for m in response.context["messages"]] == ["Line 10 is ordered from Lampen Groothandel."]
    html = response.content.decode()
    assert "Drop shipment from Lampen Groothandel, expected" in html and supply.number in html
    assert f'action="{action}"' not in html  # ordered once


def test_the_page_reads_the_vendor_supply_of_all_lines_at_once(client, clerk, manager):
    # given: an order with one line ordered from a vendor, and one with three
    vendor = PartyFactory()
    client.force_login(manager)
    one = confirmed(clerk)
    three = order_confirm(
        order=make_order(
            lines=[(ItemFactory(stock=0), "1"), (ItemFactory(stock=0), "2"), (ItemFactory(), "3")], by=clerk
        ),
        by=clerk,
    )
    for line in [*one.lines.all(), *three.lines.all()[:2]]:
        order_line_supply_set(
            order_line=line, supply="special_order", vendor=vendor, expected_date=NEXT_WEEK, by=manager
        )
    page_queries(client, one)  # warm the caches

    # then
    assert page_queries(client, three) == page_queries(client, one)


def test_a_clerk_is_not_offered_the_action(client, clerk):
    order = confirmed(clerk)
    client.force_login(clerk)
    line = order.lines.get()
    html = client.get(reverse("salesapp:order_detail", args=[order.pk])).content.decode()
    assert reverse("salesapp:order_line_supply", args=[order.pk, line.pk]) not in html


def test_a_bad_form_says_which_field(client, clerk, manager):
    order = confirmed(clerk)
    line = order.lines.get()
    client.force_login(manager)
    response = client.post(
        reverse("salesapp:order_line_supply", args=[order.pk, line.pk]),
        {f"supply-{line.pk}-supply": "drop_shipment"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Vendor: This field is required.",
        "Expected date: This field is required.",
    ]
    assert not InboundSupplyLine.objects.exists()


def test_the_api_orders_a_line_from_a_vendor(clerk, manager):
    order = confirmed(clerk)
    line = order.lines.get()
    vendor = PartyFactory(name="Lampen Groothandel")
    url = f"/api/v1/sales-orders/{order.pk}/order-from-vendor/"
    body = {"line": line.pk, "supply": "special_order", "vendor": vendor.pk, "expected_date": NEXT_WEEK.isoformat()}

    response = api_client(manager).post(url, body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["supply"], data["vendor_name"], data["quantity"], data["order_line"]) == (
        "special_order",
        "Lampen Groothandel",
        "5.000",
        line.pk,
    )
    again = problem(api_client(manager).post(url, body, format="json"), 409)
    assert (again["code"], again["detail"]) == ("line-supply-not-settable", "Line 10 is already a special order.")
