"""The sales order list: sort by a column, filter by customer and order date in the URL, export what is shown."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from salesapp.choices import OrderState
from salesapp.models import SalesOrder
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal
URL = reverse("salesapp:order_list")
# Session, user, two permission reads, the count and the page (the customer filter adds one read of the customer).
PAGE_QUERIES = 8
CSV_QUERIES = 5


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


@pytest.fixture
def orders(clerk):
    """Three orders: Acme's for 30.25 on 1 March and 60.50 on 3 March, Bolt's for 12.10 on 2 March."""
    item = ItemFactory(number="A-100", unit_price=D("25.00"), tax_code=tax_code("NL21"))
    acme = make_customer(party=PartyFactory(name="Acme"))
    bolt = make_customer(party=PartyFactory(name="Bolt"))
    first = make_order(customer=acme, lines=[(item, "1")], by=clerk, customer_reference="PO-1")
    second = make_order(customer=bolt, lines=[(item, "1", "10.00")], by=clerk)
    third = make_order(customer=acme, lines=[(item, "2")], by=clerk)
    for order, day in ((first, 1), (second, 2), (third, 3)):
        SalesOrder.objects.filter(pk=order.pk).update(order_date=datetime.date(2026, 3, day))
    return acme, bolt, first, second, third


def numbers(response) -> list[str]:
    return [order.number for order in response.context["page_obj"]]


def test_sorts_by_a_column_both_ways_and_ignores_unknown_keys(client, clerk, orders):
    # given
    _acme, _bolt, first, second, third = orders
    client.force_login(clerk)

    # when / then: 12.10 < 30.25 < 60.50
    assert numbers(client.get(URL, {"sort": "total"})) == [second.number, first.number, third.number]
    assert numbers(client.get(URL, {"sort": "-total"})) == [third.number, first.number, second.number]
    # the same customer name: the newest first (the -id tiebreaker)
    assert numbers(client.get(URL, {"sort": "customer"})) == [third.number, first.number, second.number]
    assert numbers(client.get(URL, {"sort": "-order_date"})) == [third.number, second.number, first.number]
    unknown = client.get(URL, {"sort": "amount_total; drop table"})
    assert unknown.status_code == 200
    assert numbers(unknown) == [third.number, second.number, first.number]


def test_the_header_links_toggle_the_sort_and_keep_the_filters(client, clerk, orders):
    # given
    acme, *_ = orders
    client.force_login(clerk)

    # when
    response = client.get(URL, {"customer": acme.pk, "sort": "total", "page": "1"})

    # then: the Total header sorts the other way next, on page 1, keeping the customer
    headers = {str(header["label"]): header for header in response.context["listing"].headers}
    assert headers["Total"] == {
        "label": headers["Total"]["label"],
        "css": "num",
        "url": f"?customer={acme.pk}&sort=-total",
        "direction": "ascending",
    }
    assert headers["Number"]["url"] == f"?customer={acme.pk}&sort=number"
    assert headers["Number"]["direction"] == ""


def test_filters_by_customer_and_order_date(client, clerk, orders):
    # given
    acme, bolt, first, second, third = orders
    client.force_login(clerk)

    # when
    by_customer = client.get(URL, {"customer": acme.pk})
    by_dates = client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-03"})
    both = client.get(URL, {"customer": acme.pk, "date_to": "2026-03-02"})

    # then: the customer is shown by name, not as a dropdown of every customer
    assert numbers(by_customer) == [third.number, first.number]
    html = by_customer.content.decode()
    assert f"Customer: {acme.number} Acme" in html
    assert f'<input type="hidden" name="customer" value="{acme.pk}">' in html
    assert numbers(by_dates) == [third.number, second.number]
    assert numbers(both) == [first.number]
    assert bolt.pk not in [order.customer_id for order in by_customer.context["page_obj"]]


def test_the_customer_filter_is_no_dropdown(client, clerk, orders):
    # given
    client.force_login(clerk)

    # when
    html = client.get(URL).content.decode()

    # then: the filter form offers the states, nothing else to choose from
    toolbar = html.split('role="search"')[1].split("</form>")[0]
    assert toolbar.count("<option") == 1 + len(OrderState.choices)  # "All" and the order states
    assert 'name="customer"' not in toolbar


def test_csv_has_the_filtered_sorted_rows_with_dot_decimals(client, clerk, orders):
    # given
    acme, _bolt, first, _second, third = orders
    client.force_login(clerk)

    # when
    response = client.get(URL, {"customer": acme.pk, "sort": "-total", "export": "csv"})

    # then
    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="sales-orders-{today}.csv"'
    assert csv_lines(response) == [
        "Number,Customer,Customer number,Customer reference,Order date,Status,Currency,Total",
        f"{third.number},Acme,{acme.number},,2026-03-03,Open,EUR,60.50",
        f"{first.number},Acme,{acme.number},PO-1,2026-03-01,Open,EUR,30.25",
    ]


def test_csv_header_is_in_the_users_language(client, clerk, orders):
    # given
    client.force_login(clerk)

    # when
    response = client.get(URL, {"export": "csv", "sort": "number"}, HTTP_ACCEPT_LANGUAGE="nl")

    # then: the header and the status are Dutch, the amount keeps its dot
    lines = csv_lines(response)
    assert lines[0] == "Nummer,Klant,Klantnummer,Referentie klant,Orderdatum,Status,Valuta,Totaal"
    assert lines[1].endswith(",Open,EUR,30.25")


def test_pagination_and_export_links_keep_the_filters_and_sort(client, clerk, orders):
    # given: 27 more orders of Acme
    acme, *_ = orders
    item = ItemFactory()
    for _ in range(27):
        make_order(customer=acme, lines=[(item, "1")], by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(URL, {"customer": acme.pk, "sort": "-number", "date_from": "2026-01-01"})

    # then
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 29
    assert f'href="?customer={acme.pk}&amp;sort=-number&amp;date_from=2026-01-01&amp;page=2" rel="next"' in html
    assert f'href="?customer={acme.pk}&amp;sort=-number&amp;date_from=2026-01-01&amp;export=csv"' in html
    # a new search keeps the sort
    assert '<input type="hidden" name="sort" value="-number">' in html


def test_export_needs_the_view_permission(client, django_user_model, orders):
    # given: a signed-in user without any role
    client.force_login(django_user_model.objects.create_user("nobody"))

    # when
    response = client.get(URL, {"export": "csv"})

    # then
    assert response.status_code == 403


def test_query_count_does_not_grow_with_rows(client, clerk, orders, django_assert_max_num_queries):
    # given
    acme, *_ = orders
    client.force_login(clerk)
    item = ItemFactory()
    for _ in range(30):
        make_order(customer=make_customer(), lines=[(item, "1")], by=clerk)

    # when / then
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(URL, {"customer": acme.pk, "sort": "-customer"})
    with django_assert_max_num_queries(CSV_QUERIES):
        lines = csv_lines(client.get(URL, {"sort": "-customer", "export": "csv"}))
    assert len(page.context["page_obj"]) == 2
    assert len(lines) == 1 + 33
