import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from invoicing.models import Payment
from invoicing.services.payments import payment_register
from tests.factories.invoicing import posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_register_payment_from_the_invoice_partially_then_fully(client, clerk, billing):
    # given
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)
    url = reverse("invoicing:payment_create")

    # when: the form opened from the invoice
    form = client.get(url, {"invoice": invoice.pk}).context["form"]

    # then: customer, invoice and open amount are filled in
    assert (form.initial["customer"], form.initial["invoice"], form.initial["amount"]) == (
        invoice.customer_id,
        invoice.pk,
        D("121.00"),
    )
    assert form["payment_date"].value() == timezone.localdate()

    # when: a first part is paid
    data = {
        "customer": invoice.customer_id,
        "amount": "50.00",
        "payment_date": "2025-11-20",
        "method": "bank_transfer",
        "reference": "Bank 7781",
        "invoice": invoice.pk,
    }
    response = client.post(url, data)

    # then
    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert messages_of(response) == ["Payment PAY-000001 registered."]
    assert (payment.amount, payment.amount_applied, payment.payment_date, payment.reference) == (
        D("50.00"),
        D("50.00"),
        datetime.date(2025, 11, 20),
        "Bank 7781",
    )
    assert (invoice.payment_state, invoice.amount_paid, invoice.amount_open) == (
        "partially_paid",
        D("50.00"),
        D("71.00"),
    )
    html = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert '<span class="badge partially_paid">Partially paid</span>' in html
    assert '<dd class="num" id="amount-open">71.00</dd>' in html

    # when: the rest is paid, the apply amount left to its default
    client.post(url, {**data, "amount": "71.00", "reference": "Bank 7790"})

    # then
    invoice.refresh_from_db()
    assert (invoice.payment_state, invoice.amount_paid, invoice.amount_open) == ("paid", D("121.00"), D("0.00"))
    html = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert '<span class="badge paid">Paid</span>' in html
    assert f'href="{url}?invoice={invoice.pk}"' not in html
    assert "The invoice is paid in full: no payment to register." not in html  # nothing left to do: no refusal


def test_payment_without_invoice_stays_on_account(client, billing):
    # given
    customer = make_customer()
    client.force_login(billing)

    # when
    response = client.post(
        reverse("invoicing:payment_create"),
        {"customer": customer.pk, "amount": "80", "payment_date": "2025-11-20", "method": "cash"},
    )

    # then
    payment = Payment.objects.get()
    assert response["Location"] == reverse("invoicing:payment_detail", args=[payment.pk])
    assert (payment.amount, payment.amount_applied, payment.method) == (D("80.00"), D("0.00"), "cash")
    html = client.get(reverse("invoicing:payment_detail", args=[payment.pk])).content.decode()
    assert "Not applied to any invoice." in html
    assert '<dt>Unapplied</dt><dd class="num">80.00</dd>' in html


def test_payment_errors_land_on_the_right_field(client, clerk, billing):
    # given
    invoice = posted_invoice(by=clerk, post_by=billing)
    other = make_customer()
    client.force_login(billing)
    url = reverse("invoicing:payment_create")
    data = {"customer": invoice.customer_id, "payment_date": "2025-11-20", "method": "bank_transfer"}

    # when / then: more applied than the invoice has open (the service's rule)
    response = client.post(url, {**data, "amount": "300", "invoice": invoice.pk, "apply_amount": "300"})
    assert response.context["form"].errors == {
        "apply_amount": [f"{invoice.number} has only 121.00 open; 300.00 applied."]
    }

    # when / then: more applied than paid
    response = client.post(url, {**data, "amount": "20", "invoice": invoice.pk, "apply_amount": "30"})
    assert response.context["form"].errors == {
        "apply_amount": ["The payment has only 20.00 left to apply; 30.00 asked."]
    }

    # when / then: an invoice of another customer
    response = client.post(url, {**data, "customer": other.pk, "amount": "20", "invoice": invoice.pk})
    assert list(response.context["form"].errors) == ["invoice"]

    # when / then: no amount
    response = client.post(url, {**data, "amount": "0"})
    assert list(response.context["form"].errors) == ["amount"]

    # and nothing was registered: a refused payment gives its number back (PAY-000001 each time)
    assert not Payment.objects.exists()


def test_choosing_a_customer_narrows_the_invoices(client, clerk, billing):
    # given
    mine = posted_invoice(by=clerk, post_by=billing, customer=make_customer(party=PartyFactory(name="Acme BV")))
    posted_invoice(by=clerk, post_by=billing, customer=make_customer(party=PartyFactory(name="Beta BV")))
    client.force_login(billing)

    # when: the customer select asks the page again with its value
    response = client.get(reverse("invoicing:payment_create"), {"customer": mine.customer_id})

    # then
    assert list(response.context["form"].fields["invoice"].queryset) == [mine]
    assert 'id="invoice-fields"' in response.content.decode()


def test_payment_list_searches_number_reference_and_customer(client, billing):
    # given
    acme = make_customer(party=PartyFactory(name="Acme BV"))
    beta = make_customer(party=PartyFactory(name="Beta BV"))
    first = payment_register(customer=acme, amount=D("10"), reference="Bank 1", by=billing)
    second = payment_register(customer=beta, amount=D("20"), reference="Giro 2", by=billing)
    client.force_login(billing)
    url = reverse("invoicing:payment_list")

    def numbers(**params):
        return [payment.number for payment in client.get(url, params).context["page_obj"]]

    # when / then
    assert numbers() == [second.number, first.number]
    assert numbers(q="PAY-000001") == [first.number]
    assert numbers(q="giro") == [second.number]
    assert numbers(q="acme") == [first.number]


def test_payment_list_query_count_does_not_grow_with_rows(client, billing, django_assert_max_num_queries):
    # given
    customer = make_customer()
    payment_register(customer=customer, amount=D("10"), by=billing)
    client.force_login(billing)
    url = reverse("invoicing:payment_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

    # when
    for n in range(30):
        payment_register(customer=make_customer(), amount=D(n + 1), by=billing)

    # then
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


def test_sales_clerks_cannot_register_payments(client, clerk):
    # given
    client.force_login(clerk)

    # when / then
    assert client.get(reverse("invoicing:payment_list")).status_code == 200
    assert client.get(reverse("invoicing:payment_create")).status_code == 403


def test_a_payment_opened_from_the_invoice_applies_the_amount_the_clerk_typed(client, clerk, billing):
    # given: the form opened from an invoice of 121.00, as the browser would post it back
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)
    url = reverse("invoicing:payment_create")
    form = client.get(url, {"invoice": invoice.pk}).context["form"]
    posted = {name: form[name].value() for name in form.fields}
    posted = {name: "" if value is None else value for name, value in posted.items()}
    assert (posted["amount"], posted["apply_amount"]) == (D("121.00"), "")

    # when: the clerk changes only the amount
    response = client.post(url, {**posted, "amount": "40.00", "reference": "Bank 7790"})

    # then: 40.00 is registered and applied
    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert (payment.amount, payment.amount_applied) == (D("40.00"), D("40.00"))
    assert (invoice.payment_state, invoice.amount_paid, invoice.amount_open) == (
        "partially_paid",
        D("40.00"),
        D("81.00"),
    )


def test_a_payment_date_outside_the_booking_window_is_refused_on_its_field(client, clerk, billing):
    # given
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)
    data = {"customer": invoice.customer_id, "amount": "10.00", "method": "bank_transfer", "invoice": invoice.pk}

    # when
    responses = [
        client.post(reverse("invoicing:payment_create"), {**data, "payment_date": date})
        for date in ("0001-01-01", "9999-12-31")
    ]

    # then
    assert [response.context["form"].errors for response in responses] == [
        {"payment_date": ["Enter a date between 2000-01-01 and 2099-12-31."]}
    ] * 2
    invoice.refresh_from_db()
    assert (Payment.objects.count(), invoice.amount_paid) == (0, D("0.00"))


def test_a_payment_chosen_for_an_invoice_in_another_currency_takes_the_invoices(client, clerk, billing, manager):
    from invoicing.services.exchange_rates import exchange_rate_set

    # given: a EUR customer with a posted invoice in USD
    exchange_rate_set(currency="USD", valid_from=datetime.date(2020, 1, 1), rate=D("0.9"), by=manager)
    invoice = posted_invoice(by=clerk, post_by=billing, customer=make_customer(currency="USD"))
    invoice.customer.currency = "EUR"
    invoice.customer.save(update_fields=["currency"])
    client.force_login(billing)
    data = {"customer": invoice.customer_id, "amount": "121.00", "method": "cash", "invoice": invoice.pk}

    # when: the currency left empty follows the invoice
    response = client.post(reverse("invoicing:payment_create"), {**data, "payment_date": timezone.localdate()})

    # then
    assert response.status_code == 302, response.content.decode()
    invoice.refresh_from_db()
    assert (Payment.objects.get().currency, invoice.payment_state) == ("USD", "paid")
    form = client.get(reverse("invoicing:payment_create")).content.decode()
    assert '<option value="" selected>The invoice&#x27;s, else the customer&#x27;s</option>' in form
