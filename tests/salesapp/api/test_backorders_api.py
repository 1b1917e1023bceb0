import datetime
from decimal import Decimal

from django.core import mail

from core.jobs import jobs_run_due
from salesapp.models import SalesOrderLine
from tests.core.api.helpers import api_client, problem
from tests.factories.backorders import confirmed, supply
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
URL = "/api/v1/backorders/"


def test_the_three_views_filter_and_page(integrator, django_assert_max_num_queries):
    vendor = PartyFactory(name="Slow Supplies")
    customer = make_customer(party=PartyFactory(name="Bakker BV"))
    item = ItemFactory(number="A-100", stock=2)
    late = confirmed(item, "5", by=integrator, customer=customer, ship=TODAY - DAY)
    later = confirmed(item, "1", by=integrator, ship=TODAY + DAY)
    supply(item, "4", TODAY - 2 * DAY, vendor=vendor)
    client = api_client(integrator)

    by_item = client.get(f"{URL}by-item/").json()
    [row] = by_item["results"]
    assert (row["number"], row["demand"], row["on_hand"], row["supply"], row["shortfall"], row["late_lines"]) == (
        "A-100",
        "6.000",
        "2.000",
        "4.000",
        "0.000",
        1,
    )
    assert row["supply_by_date"] == [{"date": (TODAY - 2 * DAY).isoformat(), "quantity": "4.000"}]

    with django_assert_max_num_queries(8):
        lines = client.get(f"{URL}by-customer/", {"customer": customer.pk}).json()["results"]
    assert [(line["order"], line["late"], line["remainder"], line["reserved"]) for line in lines] == [
        (late.pk, True, "5.000", "2.000")
    ]
    assert lines[0]["atp_date"] == TODAY.isoformat()  # the late supply counts as arriving today

    [vendor_row] = client.get(f"{URL}by-vendor/", {"late": "true"}).json()["results"]
    assert (vendor_row["name"], vendor_row["late_lines"], vendor_row["waiting"]) == ("Slow Supplies", 1, 2)
    # Both wait on the late supply: neither is covered by what is reserved for it.
    assert [line["order_number"] for line in vendor_row["waiting_lines"]] == [late.number, later.number]
    assert client.get(f"{URL}by-vendor/", {"item": ItemFactory().pk}).json()["results"] == []


def test_reschedule_through_the_api(integrator):
    customer = make_customer(party=PartyFactory(email="b@example.com"))
    line = confirmed(ItemFactory(stock=0), "2", by=integrator, customer=customer).lines.get()
    client = api_client(integrator)
    new = TODAY + 4 * DAY

    response = client.post(
        f"{URL}reschedule/", {"lines": [line.pk], "confirmed_ship_date": new.isoformat()}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["id"] for row in body["changed"]] == [line.pk]
    assert [notice["customer"] for notice in body["notices"]] == [customer.pk]
    assert SalesOrderLine.objects.get(pk=line.pk).confirmed_ship_date == new
    jobs_run_due()
    assert [message.to for message in mail.outbox] == [["b@example.com"]]

    refused = problem(client.post(f"{URL}reschedule/", {"lines": [line.pk]}, format="json"), 400)
    assert "confirmed_ship_date" in str(refused)


def test_split_is_for_sales_managers(integrator, manager):
    item = ItemFactory(stock=4)
    first = confirmed(item, "4", by=integrator).lines.get()
    second = confirmed(item, "4", by=integrator).lines.get()
    url = f"{URL}by-item/{item.pk}/split/"
    body = {"lines": {str(first.pk): "1", str(second.pk): "3"}}

    problem(api_client(integrator).post(url, body, format="json"), 403)
    response = api_client(manager).post(url, body, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {"lines": {str(first.pk): "1.000", str(second.pk): "3.000"}}
    assert list(SalesOrderLine.objects.filter(item=item).order_by("id").values_list("qty_reserved", flat=True)) == [
        D("1"),
        D("3"),
    ]
