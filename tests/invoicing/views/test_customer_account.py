import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import posted_invoice
from tests.factories.salesapp import make_customer

D = Decimal


def test_customer_account_fragment_shows_balance_overdue_sales_invoices_and_payments(client, clerk, billing):
    # given: two posted invoices of 121.00 (one 30 days overdue), 50.00 paid on the overdue one, 10.00 on account
    customer = make_customer(payment_terms_days=14)
    today = timezone.localdate()
    overdue, current = (
        posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=invoice_date)
        for invoice_date in (today - datetime.timedelta(days=44), today)
    )
    payment_register(
        customer=customer,
        amount=D("50.00"),
        applications=[ApplicationInput(invoice=overdue, amount=D("50.00"))],
        by=billing,
    )
    payment_register(customer=customer, amount=D("10.00"), by=billing)
    client.force_login(clerk)

    # when
    response = client.get(reverse("invoicing:customer_account", args=[customer.pk]), HTTP_HX_REQUEST="true")

    # then
    html = response.content.decode()
    balance = response.context["balance"]
    assert (balance["balance"], balance["overdue"], balance["total_sales"]) == (D("182.00"), D("71.00"), D("200.00"))
    assert "<html" not in html
    assert '<dd class="num" id="account-balance">EUR 182.00</dd>' in html
    assert '<span class="badge overdue">EUR 71.00</span>' in html
    assert '<dd class="num" id="account-sales">EUR 200.00</dd>' in html
    assert [invoice.number for invoice in response.context["open_invoices"]] == [overdue.number, current.number]
    assert [payment.number for payment in response.context["payments"]] == ["PAY-000002", "PAY-000001"]


def test_the_open_invoices_are_bounded_with_a_link_to_all_of_them(
    client, clerk, billing, django_assert_max_num_queries
):
    # given: eleven open invoices, one more than a panel shows
    customer = make_customer()
    for _ in range(11):
        posted_invoice(by=clerk, post_by=billing, customer=customer, store_pdf=False)
    client.force_login(clerk)
    url = reverse("invoicing:customer_account", args=[customer.pk])

    # when: the query count does not depend on the number of invoices
    with django_assert_max_num_queries(12):
        response = client.get(url, HTTP_HX_REQUEST="true")

    # then
    html = response.content.decode()
    assert len(response.context["open_invoices"]) == 10
    assert response.context["open_invoices"].more is True
    all_open = f"{reverse('invoicing:invoice_list')}?customer={customer.pk}&amp;open=on"
    assert f'<a href="{all_open}">All open invoices of this customer</a>' in html
