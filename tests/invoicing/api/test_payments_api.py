import datetime
from decimal import Decimal

from django.utils import timezone

from invoicing.models import Payment
from invoicing.services.invoices import invoice_create_from_order
from invoicing.services.payments import ApplicationInput, payment_register
from tests.core.api.helpers import api_client, problem
from tests.factories.invoicing import partly_delivered_order, posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

URL = "/api/v1/payments/"


def test_register_payment_applied_to_an_invoice(integrator):
    # given: 221.55 open
    invoice = posted_slip_invoice(by=integrator, customer=make_customer(party=PartyFactory(name="Fabrikam")))
    api = api_client(integrator)

    # when
    response = api.post(
        URL,
        {
            "customer": invoice.customer_id,
            "amount": "100.00",
            "payment_date": "2025-02-03",
            "reference": "BANK-1",
            "applications": [{"invoice": invoice.pk, "amount": "100.00"}],
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    payment = Payment.objects.get()
    body = response.json()
    assert {k: v for k, v in body.items() if k not in ("created_at", "updated_at", "applications")} == {
        "id": payment.pk,
        "number": "PAY-000001",
        "customer": invoice.customer_id,
        "customer_number": "C00001",
        "customer_name": "Fabrikam",
        "amount": "100.00",
        "currency": "EUR",
        "payment_date": "2025-02-03",
        "method": "bank_transfer",
        "reference": "BANK-1",
        "direction": "receipt",
        "amount_applied": "100.00",
        "amount_unapplied": "0.00",
        "version": 2,  # registered, then applied
    }
    assert [(a["invoice"], a["invoice_number"], a["amount"]) for a in body["applications"]] == [
        (invoice.pk, "INV-000001", "100.00")
    ]
    assert payment.created_by == integrator
    # and the invoice is partially paid
    shown = api.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (shown["payment_state"], shown["amount_paid"], shown["amount_open"]) == (
        "partially_paid",
        "100.00",
        "121.55",
    )


def test_register_payment_on_account(integrator):
    # given
    customer = make_customer()

    # when
    response = api_client(integrator).post(
        URL, {"customer": customer.pk, "amount": "50", "method": "card"}, format="json"
    )

    # then: nothing applied, dated today
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["amount_applied"], body["amount_unapplied"], body["method"]) == (
        "50.00",
        "0.00",
        "50.00",
        "card",
    )
    assert body["payment_date"] == timezone.localdate().isoformat()
    assert body["applications"] == []


def test_payment_validation_names_the_field(integrator):
    # given
    invoice = posted_slip_invoice(by=integrator)
    order, _slip = partly_delivered_order(by=integrator, customer=invoice.customer)
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=integrator)
    api = api_client(integrator)

    def pay(amount, applications):
        body = {"customer": invoice.customer_id, "amount": amount, "applications": applications}
        return api.post(URL, body, format="json")

    # when
    zero = pay("0", [])
    over = pay("500.00", [{"invoice": invoice.pk, "amount": "300.00"}])
    unposted = pay("10.00", [{"invoice": draft.pk, "amount": "10.00"}])
    bad_method = api.post(URL, {"customer": invoice.customer_id, "amount": "1", "method": "barter"}, format="json")

    # then
    assert problem(zero, 400)["errors"] == [
        {"field": "amount", "message": "A payment amount must be greater than zero."}
    ]
    body = problem(over, 400)
    assert body["code"] == "payment-not-applicable"
    assert body["errors"] == [
        {"field": "applications[0].amount", "message": "INV-000001 has only 221.55 open; 300.00 applied."}
    ]
    assert problem(unposted, 400)["errors"] == [
        {
            "field": "applications[0].invoice",
            "message": f"Draft invoice #{draft.pk} is not posted: only posted invoices can be paid.",
        }
    ]
    assert problem(bad_method, 400)["errors"] == [{"field": "method", "message": '"barter" is not a valid choice.'}]
    # a refused application leaves no payment behind
    assert Payment.objects.count() == 0


def test_clerk_cannot_register_payments(clerk):
    # given
    customer = make_customer()

    # when
    response = api_client(clerk).post(URL, {"customer": customer.pk, "amount": "10"}, format="json")

    # then
    assert problem(response, 403)["code"] == "permission-denied"


def test_payments_cannot_be_changed_or_found_when_missing(integrator, administrator):
    # given
    payment = payment_register(customer=make_customer(), amount="10", by=integrator)

    # when
    by_integrator = api_client(integrator).patch(f"{URL}{payment.pk}/", {"amount": "1"}, format="json")
    by_administrator = api_client(administrator).patch(f"{URL}{payment.pk}/", {"amount": "1"}, format="json")
    missing = api_client(integrator).get(f"{URL}999999/")

    # then: integrators lack the permission; nobody has the method
    assert problem(by_integrator, 403)["code"] == "permission-denied"
    assert problem(by_administrator, 405)["code"] == "method-not-allowed"
    assert problem(missing, 404)["code"] == "not-found"
    payment.refresh_from_db()
    assert str(payment.amount) == "10.00"


def test_list_filters(integrator):
    # given
    alpha = make_customer()
    first = payment_register(customer=alpha, amount="10", reference="BANK-1", by=integrator)
    second = payment_register(customer=make_customer(), amount="20", method="card", by=integrator)
    third = payment_register(customer=alpha, amount="30", by=integrator)
    Payment.objects.filter(pk=first.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    api = api_client(integrator)

    def numbers(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]]

    # then
    assert numbers({}) == [third.number, second.number, first.number]
    assert numbers({"customer": alpha.pk}) == [third.number, first.number]
    assert numbers({"method": "card"}) == [second.number]
    assert numbers({"search": "bank-1"}) == [first.number]
    assert numbers({"updated_since": (timezone.now() - datetime.timedelta(days=1)).isoformat()}) == [
        third.number,
        second.number,
    ]


def test_list_query_count_is_constant(integrator, django_assert_max_num_queries):
    # given: payments applied to invoices
    api = api_client(integrator)

    def applied_payment():
        invoice = posted_slip_invoice(by=integrator)
        payment_register(
            customer=invoice.customer,
            amount="50",
            applications=[ApplicationInput(invoice=invoice, amount=Decimal("50"))],
            by=integrator,
        )

    for _ in range(3):
        applied_payment()

    # then: token, permissions, payments with customers, applications with invoices
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    for _ in range(27):
        applied_payment()

    # then
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 30


def payment_rows() -> list[tuple]:
    return list(Payment.objects.values_list("number", "amount", "amount_applied"))


def test_an_application_without_amount_takes_as_much_as_fits(integrator):
    # given: 221.55 open
    invoice = posted_slip_invoice(by=integrator)

    # when: 300.00 paid, the amount to apply left out
    response = api_client(integrator).post(
        URL,
        {"customer": invoice.customer_id, "amount": "300.00", "applications": [{"invoice": invoice.pk}]},
        format="json",
    )

    # then: the open 221.55 is applied, 78.45 stays on account
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount_applied"], body["amount_unapplied"]) == ("221.55", "78.45")
    assert [(a["invoice"], a["amount"]) for a in body["applications"]] == [(invoice.pk, "221.55")]
    invoice.refresh_from_db()
    assert (invoice.payment_state, invoice.amount_open) == ("paid", Decimal("0.00"))


def test_an_invoice_twice_in_one_payment_is_refused(integrator):
    # given
    invoice = posted_slip_invoice(by=integrator)

    # when
    response = api_client(integrator).post(
        URL,
        {
            "customer": invoice.customer_id,
            "amount": "20.00",
            "applications": [{"invoice": invoice.pk, "amount": "10.00"}, {"invoice": invoice.pk, "amount": "10.00"}],
        },
        format="json",
    )

    # then: nothing saved
    body = problem(response, 400)
    assert (body["code"], body["errors"]) == (
        "payment-invalid",
        [
            {
                "field": "applications[1].invoice",
                "message": "INV-000001 is already applied above: apply each invoice once.",
            }
        ],
    )
    invoice.refresh_from_db()
    assert (payment_rows(), invoice.amount_paid, invoice.payment_state) == ([], Decimal("0.00"), "unpaid")


def test_a_payment_date_outside_the_booking_window_is_refused(integrator):
    # given
    customer = make_customer()

    # when
    responses = [
        api_client(integrator).post(
            URL, {"customer": customer.pk, "amount": "10.00", "payment_date": date}, format="json"
        )
        for date in ("0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01")
    ]

    # then
    for response in responses:
        assert problem(response, 400)["errors"] == [
            {"field": "payment_date", "message": "Enter a date between 2000-01-01 and 2099-12-31."}
        ]
    assert payment_rows() == []


def test_a_payment_in_another_currency_than_the_customers(integrator, manager):
    from invoicing.services.exchange_rates import exchange_rate_set

    # given: a EUR customer with a USD invoice
    exchange_rate_set(currency="USD", valid_from=datetime.date(2020, 1, 1), rate=Decimal("0.9"), by=manager)
    invoice = posted_slip_invoice(by=integrator, customer=make_customer(currency="USD"))
    invoice.customer.currency = "EUR"
    invoice.customer.save(update_fields=["currency"])
    api = api_client(integrator)
    body = {"customer": invoice.customer_id, "amount": "221.55", "applications": [{"invoice": invoice.pk}]}

    # when: without a currency it is the customer's and refused; in USD it pays
    refused = api.post(URL, body, format="json")
    paid = api.post(URL, {**body, "currency": "USD"}, format="json")
    unknown = api.post(URL, {**body, "currency": "XYZ"}, format="json")

    # then
    assert problem(refused, 400)["errors"] == [
        {
            "field": "applications[0].invoice",
            "message": f"{invoice.number} is in USD: it is settled in its own currency, not in EUR.",
        }
    ]
    assert paid.status_code == 201, paid.content
    assert (paid.json()["currency"], paid.json()["amount_applied"]) == ("USD", "221.55")
    assert problem(unknown, 400)["errors"] == [{"field": "currency", "message": '"XYZ" is not a valid choice.'}]
    assert Payment.objects.count() == 1


def test_a_payment_reference_is_taken_once_per_customer_and_day(integrator):
    # given: a payment with a bank reference
    customer, other = make_customer(), make_customer()
    api = api_client(integrator)
    day = timezone.localdate()
    body = {"customer": customer.pk, "amount": "50.00", "payment_date": day.isoformat(), "reference": "BANK-4471"}
    first = api.post(URL, body, format="json")
    assert first.status_code == 201, first.content

    # when: the same bank line again, and the reference for another customer, another day and a refund
    again = api.post(URL, body, format="json")
    others = [
        api.post(URL, {**body, "customer": other.pk}, format="json"),
        api.post(URL, {**body, "payment_date": (day - datetime.timedelta(days=1)).isoformat()}, format="json"),
        api.post(URL, {**body, "direction": "refund"}, format="json"),
    ]

    # then: refused naming the payment that has it; the others are registered
    assert problem(again, 400)["errors"] == [
        {
            "field": "reference",
            "message": f"Payment {first.json()['number']} of this customer on {day.isoformat()} already has reference "
            "BANK-4471.",
        }
    ]
    assert [response.status_code for response in others] == [201, 201, 201]
    assert Payment.objects.filter(reference="BANK-4471").count() == 4
