"""The invoice list: sort by a column, filter by customer, invoice date and "open", export what is shown."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import order_confirm
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal
URL = reverse("invoicing:invoice_list")
PAGE_QUERIES = 8
CSV_QUERIES = 5


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


def numbers(response) -> list[str]:
    return [invoice.number for invoice in response.context["page_obj"]]


@pytest.fixture
def invoices(clerk, billing):
    """Acme: 121.00 posted 1 March 2026 and 60.50 posted 3 March; Bolt: 12.10 posted 2 March; a draft of Acme."""
    acme = make_customer(party=PartyFactory(name="Acme"), payment_terms_days=14)
    bolt = make_customer(party=PartyFactory(name="Bolt"), payment_terms_days=14)

    def invoice(customer, price, day=None):
        item = ItemFactory(unit_price=D(price), tax_code=tax_code("NL21"))
        order = order_confirm(order=make_order(customer=customer, lines=[(item, "1")], by=clerk), by=clerk)
        draft = invoice_create_from_order(order=order, basis="order", by=clerk)
        if day is None:
            return draft
        return invoice_post(invoice=draft, invoice_date=datetime.date(2026, 3, day), store_pdf=False, by=billing)

    first = invoice(acme, "100.00", 1)
    second = invoice(bolt, "10.00", 2)
    third = invoice(acme, "50.00", 3)
    draft = invoice(acme, "1.00")
    return acme, bolt, first, second, third, draft


def test_sorts_by_a_column_both_ways(client, billing, invoices):
    # given
    _acme, _bolt, first, second, third, draft = invoices
    client.force_login(billing)

    # when / then: 1.21 (draft) < 12.10 < 60.50 < 121.00
    assert numbers(client.get(URL, {"sort": "total"})) == [None, second.number, third.number, first.number]
    assert numbers(client.get(URL, {"sort": "-total"})) == [first.number, third.number, second.number, None]
    # drafts have no invoice date: last either way
    assert numbers(client.get(URL, {"sort": "invoice_date"})) == [first.number, second.number, third.number, None]
    assert numbers(client.get(URL, {"sort": "-invoice_date"})) == [third.number, second.number, first.number, None]
    assert client.get(URL, {"sort": "nonsense"}).status_code == 200


def test_filters_by_customer_invoice_date_and_open(client, billing, invoices):
    # given
    acme, _bolt, first, second, third, draft = invoices
    client.force_login(billing)

    # when / then
    assert [invoice.pk for invoice in client.get(URL, {"customer": acme.pk}).context["page_obj"]] == [
        draft.pk,
        third.pk,
        first.pk,
    ]
    assert numbers(client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-02"})) == [second.number]
    assert numbers(client.get(URL, {"customer": acme.pk, "date_from": "2026-03-02"})) == [third.number]
    assert numbers(client.get(URL, {"open": "on"})) == [third.number, second.number, first.number]
    assert f"Customer: {acme.number} Acme" in client.get(URL, {"customer": acme.pk}).content.decode()


def test_csv_has_the_filtered_sorted_rows(client, billing, invoices):
    # given
    acme, _bolt, first, _second, third, _draft = invoices
    client.force_login(billing)

    # when
    response = client.get(URL, {"customer": acme.pk, "open": "on", "sort": "invoice_date", "export": "csv"})

    # then: due 14 days after the invoice date, nothing paid yet
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="invoices-{today}.csv"'
    assert csv_lines(response) == [
        "Number,Kind,Customer,Customer number,Order,Invoice date,Due date,Status,Payment,Currency,Total,Open",
        f"{first.number},Invoice,Acme,{acme.number},{first.order.number},2026-03-01,2026-03-15,Posted,Unpaid,EUR,121.00,121.00",
        f"{third.number},Invoice,Acme,{acme.number},{third.order.number},2026-03-03,2026-03-17,Posted,Unpaid,EUR,60.50,60.50",
    ]


def test_pagination_link_keeps_the_filters(client, billing, invoices):
    # given: 26 more drafts of Acme
    acme, *_ = invoices
    order_item = ItemFactory()
    for _ in range(26):
        order = make_order(customer=acme, lines=[(order_item, "1")], by=billing)
        Invoice.objects.create(customer=acme, order=order, currency="EUR")
    client.force_login(billing)

    # when
    response = client.get(URL, {"customer": acme.pk, "sort": "-total"})

    # then
    assert response.context["page_obj"].paginator.count == 29
    assert f'href="?customer={acme.pk}&amp;sort=-total&amp;page=2" rel="next"' in response.content.decode()


def test_query_count_does_not_grow_with_rows(client, billing, invoices, django_assert_max_num_queries):
    # given
    acme, *_ = invoices
    client.force_login(billing)

    # when / then
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(URL, {"customer": acme.pk, "sort": "customer"})
    with django_assert_max_num_queries(CSV_QUERIES):
        lines = csv_lines(client.get(URL, {"export": "csv"}))
    assert len(page.context["page_obj"]) == 3
    assert len(lines) == 1 + 4
