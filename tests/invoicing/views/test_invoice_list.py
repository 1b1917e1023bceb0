"""The invoice list: filters that stay in the URL (customer, invoice dates, open), a CSV of what is shown, and
the dashboard tiles that lead to it."""

import datetime
from decimal import Decimal

from django.urls import reverse

from invoicing.services.invoices import invoice_post
from tests.factories.invoicing import draft_invoice, posted_invoice
from tests.factories.salesapp import make_customer


def test_filter_by_customer_invoice_dates_and_open(client, clerk, billing):
    # given: two posted invoices of one customer on different dates, one of another customer, one draft
    anker = make_customer()
    early = posted_invoice(by=clerk, post_by=billing, customer=anker)
    late = invoice_post(
        invoice=draft_invoice(by=clerk, customer=anker), invoice_date=datetime.date(2026, 11, 20), by=billing
    )
    posted_invoice(by=clerk, post_by=billing)
    draft_invoice(by=clerk, customer=anker)
    client.force_login(billing)
    url = reverse("invoicing:invoice_list")

    # when
    by_customer = client.get(url, {"customer": anker.pk, "open": "on"})
    by_date = client.get(url, {"customer": anker.pk, "date_from": "2026-11-01", "date_to": "2026-11-30"})

    # then: newest first; the pagination and export links keep the filters
    assert [invoice.pk for invoice in by_customer.context["page_obj"]] == [late.pk, early.pk]
    assert [invoice.pk for invoice in by_date.context["page_obj"]] == [late.pk]
    assert f"customer={anker.pk}&amp;open=on&amp;export=csv" in by_customer.content.decode()


def test_csv_export_holds_the_filtered_rows(client, clerk, billing):
    # given
    anker = make_customer()
    invoice = posted_invoice(by=clerk, post_by=billing, customer=anker)
    posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)

    # when
    response = client.get(reverse("invoicing:invoice_list"), {"customer": anker.pk, "export": "csv"})

    # then
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="invoices-')
    assert lines[0] == "Number,Customer number,Customer,Order,Invoice date,Due date,Status,Payment,Currency,Total,Open"
    assert len(lines) == 2
    assert lines[1].startswith(f"{invoice.number},{anker.number},")
    assert lines[1].endswith(f",EUR,{invoice.amount_total:.2f},{invoice.amount_open:.2f}")
    assert invoice.amount_total > Decimal("0")


def test_dashboard_tiles_link_to_the_lists_they_count(client, clerk, billing):
    # given
    posted_invoice(by=clerk, post_by=billing)
    draft_invoice(by=clerk)
    client.force_login(billing)

    # when
    html = client.get(reverse("home")).content.decode()
    url = reverse("invoicing:invoice_list")

    # then: each tile's list shows exactly what the tile counts
    assert (
        f'href="{url}?open=on"' in html and f'href="{url}?state=draft"' in html and f'href="{url}?overdue=on"' in html
    )
    assert client.get(url, {"open": "on"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"state": "draft"}).context["page_obj"].paginator.count == 1
