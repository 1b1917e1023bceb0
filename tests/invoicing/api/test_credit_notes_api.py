"""Credit note, cancel and correct through the API: status codes, the documents answered, problem+json errors
that name the fields."""

from decimal import Decimal

import pytest

from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.services.orders import order_confirm
from tests.core.api.helpers import api_client, problem
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


@pytest.fixture
def posted(integrator):
    """5 × A-100 at 12.50 (62.50) and 3 × B-200 at 20.00 (60.00), 21 %: 122.50 + 25.73 = 148.23."""
    a = ItemFactory(number="A-100", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    b = ItemFactory(number="B-200", unit_price=D("20.00"), tax_code=tax_code("NL21"))
    order = make_order(customer=make_customer(), lines=[(a, "5"), (b, "3")], by=integrator)
    order = order_confirm(order=order, by=integrator)
    return invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=integrator), by=integrator)


def test_a_credit_note_is_made_for_a_posted_invoice(integrator, posted):
    line_a, line_b = posted.lines.order_by("line_no")

    response = api_client(integrator).post(
        f"/api/v1/invoices/{posted.pk}/credit-note/",
        {
            "reason": "Goodwill",
            "lines": [
                {"invoice_line": line_a.pk, "amount": "10.00"},
                {"invoice_line": line_b.pk, "quantity": "3", "unit_price": "2.00"},
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["credit_kind"], body["state"], body["credited_invoice"], body["credit_reason"]) == (
        "credit_note",
        "value_only",
        "draft",
        posted.pk,
        "Goodwill",
    )
    # 10.00 + 3 × 2.00 = 16.00, tax 21 % = 3.36
    assert (body["amount_net"], body["amount_total"]) == ("-16.00", "-19.36")
    assert [(line["credited_line"], line["net_amount"]) for line in body["lines"]] == [
        (line_a.pk, "-10.00"),
        (line_b.pk, "-6.00"),
    ]

    posted_note = api_client(integrator).post(f"/api/v1/invoices/{body['id']}/post/", {}, format="json")
    assert posted_note.status_code == 200, posted_note.content
    assert posted_note.json()["number"].startswith("CN-")


def test_more_than_remains_is_refused_naming_the_index(integrator, posted):
    _line_a, line_b = posted.lines.order_by("line_no")

    response = api_client(integrator).post(
        f"/api/v1/invoices/{posted.pk}/credit-note/",
        {"reason": "Price", "lines": [{"invoice_line": line_b.pk, "amount": "60.01"}]},
        format="json",
    )

    body = problem(response, 400)
    assert body["code"] == "credit-exceeds-remainder"
    assert body["errors"] == [
        {"field": "lines[0].amount", "message": "Line 20 (B-200): 60.01 to credit, but only 60.00 remains uncredited."}
    ]
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_credit_note_input_errors_name_the_fields(integrator, posted):
    line_a = posted.lines.order_by("line_no").first()

    response = api_client(integrator).post(
        f"/api/v1/invoices/{posted.pk}/credit-note/",
        {"lines": [{"invoice_line": line_a.pk, "amount": "1.00", "quantity": "1"}]},
        format="json",
    )

    body = problem(response, 400)
    assert {error["field"] for error in body["errors"]} == {"reason", "lines[0].amount"}


def test_cancel_answers_the_canceled_invoice(integrator, posted):
    response = api_client(integrator).post(f"/api/v1/invoices/{posted.pk}/cancel/", {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "canceled"
    note = posted.credit_notes.get()
    assert (note.state, note.credit_kind, note.amount_total) == ("posted", "cancellation", D("-148.23"))


def test_correct_answers_the_new_draft(integrator, posted):
    response = api_client(integrator).post(f"/api/v1/invoices/{posted.pk}/correct/", {}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["corrects"], body["order"], body["amount_total"]) == (
        "draft",
        posted.pk,
        posted.order_id,
        "148.23",
    )


def test_a_partly_paid_invoice_refuses_cancel_and_correct(integrator, billing, posted):
    payment_register(
        customer=posted.customer, amount=D("10.00"), applications=[ApplicationInput(invoice=posted)], by=billing
    )

    for verb in ("cancel", "correct"):
        response = api_client(integrator).post(f"/api/v1/invoices/{posted.pk}/{verb}/", {}, format="json")
        body = problem(response, 409)
        assert body["code"] == "invoice-not-cancelable"
        assert "use a credit note and a refund" in body["detail"]
    posted.refresh_from_db()
    assert posted.state == "posted"
    assert not posted.credit_notes.exists()


def test_a_sales_clerk_may_not_cancel(clerk, posted):
    response = api_client(clerk).post(f"/api/v1/invoices/{posted.pk}/cancel/", {}, format="json")
    problem(response, 403)
    posted.refresh_from_db()
    assert posted.state == "posted"
