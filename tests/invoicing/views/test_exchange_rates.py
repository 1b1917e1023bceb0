import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoicing.models import ExchangeRate
from invoicing.services.exchange_rates import exchange_rate_set

D = Decimal
DAY = datetime.date(2026, 3, 1)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_manager_enters_a_rate_and_sees_it_listed(client, manager, django_assert_max_num_queries):
    client.force_login(manager)

    saved = client.post(
        reverse("invoicing:exchange_rate_set"), {"currency": "USD", "valid_from": "2026-03-01", "rate": "0.9231"}
    )

    assert saved.status_code == 302
    assert messages_of(saved) == ["The rate of USD from 2026-03-01 is 0.9231."]
    for day in range(2, 30):
        exchange_rate_set(currency="SEK", valid_from=DAY.replace(day=day), rate=D("0.087"), by=manager)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("invoicing:exchange_rate_list"), {"currency": "USD"})
    assert page.status_code == 200
    assert [rate.currency for rate in page.context["page_obj"]] == ["USD"]
    assert "Enter a rate" in page.content.decode()
    export = client.get(reverse("invoicing:exchange_rate_list"), {"export": "csv", "currency": "SEK"})
    assert b"".join(export.streaming_content).decode().count("SEK") == 28


def test_a_wrong_rate_shows_the_form_again_with_the_error_under_its_field(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("invoicing:exchange_rate_set"), {"currency": "USD", "valid_from": "1900-01-01", "rate": "1"}
    )

    assert response.status_code == 400
    assert "valid_from" in response.context["form"].errors
    assert not ExchangeRate.objects.exists()


def test_a_clerk_reads_the_rates_without_the_form_and_cannot_post_one(client, clerk, manager):
    rate = exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.9"), by=manager)
    client.force_login(clerk)

    page = client.get(reverse("invoicing:exchange_rate_list"))

    assert page.status_code == 200 and "Enter a rate" not in page.content.decode()
    assert client.post(reverse("invoicing:exchange_rate_delete", args=[rate.pk])).status_code == 403
    assert ExchangeRate.objects.count() == 1


def test_the_manager_imports_a_file_and_removes_a_rate(client, manager):
    client.force_login(manager)
    url = reverse("invoicing:exchange_rate_import")

    refused = client.post(url, {"file": SimpleUploadedFile("r.csv", b"currency;date;rate\nUSD;2026-03-01;abc\n")})
    imported = client.post(url, {"file": SimpleUploadedFile("r.csv", b"currency;date;rate\nUSD;2026-03-01;0.92\n")})

    assert refused.status_code == 400 and "line 2: rate:" in refused.content.decode()
    assert messages_of(imported) == ["1 rate imported."]
    rate = ExchangeRate.objects.get()
    removed = client.post(reverse("invoicing:exchange_rate_delete", args=[rate.pk]))
    assert removed.status_code == 302 and not ExchangeRate.objects.exists()


def test_the_invoice_page_says_its_entry_is_in_the_company_currency_at_the_rate(client, clerk, billing, manager):
    from invoicing.services.invoices import invoice_create_from_order, invoice_post
    from tests.factories.invoicing import partly_delivered_order
    from tests.factories.salesapp import make_customer

    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.92"), by=manager)
    order, _slip = partly_delivered_order(by=clerk, customer=make_customer(currency="USD"))
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=clerk), by=billing)
    client.force_login(billing)

    page = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()

    assert "In the company currency, at 0.92 per USD." in page
