"""API: apply, un-apply and propose for payments; set-offs; a customer's account figures; aging."""

import datetime
from decimal import Decimal

import pytest

from invoicing.models import Invoice, PaymentApplication
from invoicing.services.payments import ApplicationInput, payment_register
from tests.core.api.helpers import api_client, problem
from tests.factories.invoicing import posted_credit_note, posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal
TODAY = datetime.date.today()


@pytest.fixture
def open_documents(clerk, billing):
    """Invoices of 121.00 dated 40 and 10 days ago and a credit note of −121.00 for the second."""
    customer = make_customer(party=PartyFactory(name="Northwind"), payment_terms_days=14)
    older, newer = (
        posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=TODAY - datetime.timedelta(days=d))
        for d in (40, 10)
    )
    credit = posted_credit_note(invoice=newer, by=clerk, post_by=billing)
    return customer, older, newer, credit


def test_proposal_then_apply_then_unapply(open_documents, billing):
    customer, older, newer, _credit = open_documents
    payment = payment_register(customer=customer, amount=D("150"), reference=newer.number, by=billing)
    api = api_client(billing)

    proposal = api.get(f"/api/v1/payments/{payment.pk}/proposal/")
    assert proposal.status_code == 200, proposal.content
    assert [(p["invoice_number"], p["amount"]) for p in proposal.json()] == [
        (newer.number, "121.00"),
        (older.number, "29.00"),
    ]

    applied = api.post(
        f"/api/v1/payments/{payment.pk}/apply/",
        {"applications": [{"invoice": p["invoice"], "amount": p["amount"]} for p in proposal.json()]},
        format="json",
    )
    assert applied.status_code == 200, applied.content
    assert (applied.json()["amount_applied"], applied.json()["amount_unapplied"]) == ("150.00", "0.00")

    on_newer = PaymentApplication.objects.get(payment=payment, invoice=newer)
    taken_back = api.post(f"/api/v1/payments/{payment.pk}/unapply/", {"application": on_newer.pk}, format="json")
    assert taken_back.status_code == 200, taken_back.content
    body = taken_back.json()
    assert body["amount_unapplied"] == "121.00"
    row = next(a for a in body["applications"] if a["id"] == on_newer.pk)
    assert (row["unapplied_by"], row["unapplied_at"] is not None) == (billing.pk, True)
    assert Invoice.objects.get(pk=newer.pk).payment_state == "unpaid"

    again = problem(
        api.post(f"/api/v1/payments/{payment.pk}/unapply/", {"application": on_newer.pk}, format="json"), 400
    )
    assert again["code"] == "application-not-unappliable"


def test_unapply_names_an_application_of_another_payment(open_documents, billing):
    customer, older, _newer, _credit = open_documents
    first = payment_register(customer=customer, amount=D("10"), applications=[ApplicationInput(older)], by=billing)
    second = payment_register(customer=customer, amount=D("10"), by=billing)

    body = problem(
        api_client(billing).post(
            f"/api/v1/payments/{second.pk}/unapply/", {"application": first.applications.get().pk}, format="json"
        ),
        400,
    )

    assert body["errors"] == [
        {"field": "application", "message": f"No application {first.applications.get().pk} on this payment."}
    ]
    assert PaymentApplication.objects.get().unapplied_at is None


def test_integrators_apply_but_do_not_unapply(open_documents, billing, integrator):
    customer, older, _newer, _credit = open_documents
    payment = payment_register(customer=customer, amount=D("10"), applications=[ApplicationInput(older)], by=billing)

    response = api_client(integrator).post(
        f"/api/v1/payments/{payment.pk}/unapply/", {"application": payment.applications.get().pk}, format="json"
    )

    assert response.status_code == 403
    assert PaymentApplication.objects.get().unapplied_at is None


def test_refund_and_set_off(open_documents, billing):
    customer, older, _newer, credit = open_documents
    api = api_client(billing)

    made = api.post(
        "/api/v1/set-offs/",
        {"credit_note": credit.pk, "applications": [{"invoice": older.pk, "amount": "100.00"}]},
        format="json",
    )
    assert made.status_code == 201, made.content
    (set_off,) = made.json()
    assert (set_off["credit_note_number"], set_off["invoice_number"], set_off["amount"]) == (
        credit.number,
        older.number,
        "100.00",
    )

    refund = api.post(
        "/api/v1/payments/",
        {"customer": customer.pk, "amount": "21.00", "direction": "refund", "applications": [{"invoice": credit.pk}]},
        format="json",
    )
    assert refund.status_code == 201, refund.content
    assert refund.json()["direction"] == "refund"
    assert [(a["invoice"], a["amount"]) for a in refund.json()["applications"]] == [(credit.pk, "-21.00")]
    shown = api.get(f"/api/v1/invoices/{credit.pk}/").json()
    assert (shown["payment_state"], shown["amount_paid"], shown["amount_open"]) == ("paid", "-121.00", "0.00")

    taken_back = api.post(f"/api/v1/set-offs/{set_off['id']}/unapply/")
    assert taken_back.status_code == 200, taken_back.content
    assert Invoice.objects.get(pk=credit.pk).payment_state == "partially_paid"


def test_account_figures_and_aging(open_documents, billing, integrator, django_assert_max_num_queries):
    customer, _older, _newer, _credit = open_documents
    payment_register(customer=customer, amount=D("5"), by=billing)
    api = api_client(integrator)

    account = api.get(f"/api/v1/customers/{customer.pk}/account/")
    assert account.status_code == 200, account.content
    figures = account.json()
    # 242 invoiced − 121 credited − 5 on account; the one dated 40 days ago is 26 days overdue.
    assert {k: figures[k] for k in ("balance", "open_invoices", "open_credits", "unapplied_payments", "overdue")} == {
        "balance": "116.00",
        "open_invoices": "242.00",
        "open_credits": "121.00",
        "unapplied_payments": "5.00",
        "overdue": "121.00",
    }
    assert figures["average_days_to_pay"] is None

    with django_assert_max_num_queries(6):
        aging = api.get("/api/v1/aging/", {"as_of": TODAY.isoformat(), "search": "north"})
    assert aging.status_code == 200, aging.content
    assert [
        (r["customer_name"], r["current"], r["days_1_30"], r["days_31_60"], r["total"]) for r in aging.json()["results"]
    ] == [("Northwind", "0.00", "121.00", "0.00", "121.00")]  # 121 current − 121 credit; 121 26 days overdue
    assert api.get("/api/v1/aging/", {"as_of": "soon"}).status_code == 400
