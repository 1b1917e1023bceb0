import datetime
from decimal import Decimal

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.jobs import jobs_run_due
from salesapp.models import SalesOrderLine
from tests.factories.backorders import confirmed, supply
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def backorders(clerk, count, *, vendor=None):
    """``count`` customers each waiting for a different item, with late supply from ``vendor``."""
    for _ in range(count):
        item = ItemFactory(stock=1)
        confirmed(item, "3", by=clerk, ship=TODAY - DAY)
        supply(item, "5", TODAY - DAY, vendor=vendor)


def test_the_by_item_page_shows_demand_and_supply_in_the_same_queries_for_more_rows(client, clerk):
    client.force_login(clerk)
    vendor = PartyFactory()
    backorders(clerk, 2, vendor=vendor)
    url = reverse("salesapp:backorders_by_item")
    response, few = queries_of(client, url)
    backorders(clerk, 4, vendor=vendor)
    more_response, more = queries_of(client, url)
    assert few == more
    page = more_response.content.decode()
    assert page.count('class="badge late"') == 6 and "Open demand" in page
    assert len(more_response.context["page_obj"]) == 6


def test_each_backorder_view_pages_filters_and_exports_without_n_plus_one(client, clerk):
    client.force_login(clerk)
    vendor = PartyFactory(name="Slow Supplies")
    backorders(clerk, 2, vendor=vendor)
    for name in ("backorders_by_customer", "backorders_by_vendor"):
        url = reverse(f"salesapp:{name}")
        _, few = queries_of(client, url)
        backorders(clerk, 3, vendor=vendor)
        _, more = queries_of(client, url)
        assert few == more, name
    csv = client.get(reverse("salesapp:backorders_by_vendor") + "?export=csv&late=on")
    rows = b"".join(csv.streaming_content).decode().splitlines()
    assert rows[0].startswith("Vendor,Open supply lines,Late supply lines")
    assert rows[1].startswith("Slow Supplies,")


def test_the_customer_filter_and_late_only(client, clerk):
    client.force_login(clerk)
    customer = make_customer()
    item = ItemFactory(stock=0)
    mine = confirmed(item, "2", by=clerk, customer=customer, ship=TODAY + DAY)
    confirmed(item, "2", by=clerk, ship=TODAY - DAY)
    url = reverse("salesapp:backorders_by_customer")
    page = client.get(url, {"customer": customer.pk}).context["page_obj"]
    assert [line.order_id for line in page] == [mine.pk]
    assert client.get(url, {"customer": customer.pk, "late": "on"}).context["page_obj"].object_list == []
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode().splitlines()
    assert csv[0] == "Order,Line,Customer,Item,Due,Remainder,Reserved,Late" and len(csv) == 3


def test_the_manager_splits_the_on_hand_of_an_item(client, manager, clerk):
    item = ItemFactory(number="A-100", stock=5)
    first = confirmed(item, "4", by=clerk, ship=TODAY).lines.get()
    second = confirmed(item, "4", by=clerk, ship=TODAY + DAY).lines.get()
    client.force_login(manager)
    url = reverse("salesapp:backorder_item", args=[item.pk])
    page = client.get(url).content.decode()
    assert f'name="reserved-{first.pk}" value="4.000"' in page and f'name="reserved-{second.pk}" value="1.000"' in page

    too_much = client.post(url, {f"reserved-{first.pk}": "4", f"reserved-{second.pk}": "2"})
    assert "5 pcs of A-100 are on hand; the split promises 6." in too_much.content.decode()

    response = client.post(url, {f"reserved-{first.pk}": "2", f"reserved-{second.pk}": "3"}, follow=True)
    assert "The on-hand of A-100 is split as entered." in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.qty_reserved, second.qty_reserved) == (D("2"), D("3"))


def test_a_clerk_sees_the_split_but_cannot_save_it(client, clerk):
    item = ItemFactory(stock=5)
    line = confirmed(item, "4", by=clerk).lines.get()
    client.force_login(clerk)
    url = reverse("salesapp:backorder_item", args=[item.pk])
    assert "split-quantity" not in client.get(url).content.decode()
    client.post(url, {f"reserved-{line.pk}": "0"})
    line.refresh_from_db()
    assert line.qty_reserved == D("4")


def test_reschedule_from_the_by_customer_page_notifies_the_customer(client, clerk):
    customer = make_customer(party=PartyFactory(email="a@example.com"))
    line = confirmed(ItemFactory(stock=0), "2", by=clerk, customer=customer).lines.get()
    client.force_login(clerk)
    back = reverse("salesapp:backorders_by_customer") + f"?customer={customer.pk}"
    new = TODAY + 5 * DAY
    response = client.post(
        reverse("salesapp:backorders_reschedule"),
        {"lines": [line.pk], "confirmed_ship_date": new.isoformat(), "next": back},
    )
    assert response.status_code == 302 and response.url == back
    assert SalesOrderLine.objects.get(pk=line.pk).confirmed_ship_date == new
    jobs_run_due()
    assert [message.to for message in mail.outbox] == [["a@example.com"]]

    refused = client.post(reverse("salesapp:backorders_reschedule"), {"lines": [line.pk], "next": back}, follow=True)
    assert "Enter the new confirmed ship date, or take the ATP date." in refused.content.decode()


def test_the_customer_page_lists_its_backorders_late_first(client, clerk):
    customer = make_customer()
    item = ItemFactory(stock=0)
    later = confirmed(item, "1", by=clerk, customer=customer, ship=TODAY + DAY)
    late = confirmed(item, "1", by=clerk, customer=customer, ship=TODAY - DAY)
    client.force_login(clerk)
    response = client.get(reverse("salesapp:customer_detail", args=[customer.pk]))
    assert [line.order_id for line in response.context["backorder_lines"]] == [late.pk, later.pk]
    assert "Reschedule the selected lines" in response.content.decode()


def test_the_dashboard_panel_counts_late_lines_and_links_to_them(client, clerk):
    confirmed(ItemFactory(stock=0, unit_price=D("10")), "2", by=clerk, ship=TODAY - DAY)
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    late_url = reverse("salesapp:backorders_by_customer") + "?late=on"
    assert f'<a href="{late_url}">1 late line</a>' in page and "EUR 20.00" in page
