"""Customer statements: opening balance + what happened in the period = closing balance; the PDF; the email."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from core.errors import ValidationFailed
from core.jobs import jobs_run_due
from invoicing.models import CustomerStatement
from invoicing.selectors.customer_accounts import customer_balance
from invoicing.selectors.statements import customer_statement
from invoicing.services.payments import ApplicationInput, payment_register
from invoicing.services.statements import customer_statement_deliver, customer_statement_send
from marketing.models import Activity
from tests.core.api.helpers import api_client, problem
from tests.factories.invoicing import posted_credit_note, posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal
TODAY = datetime.date.today()


def _ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def history(clerk, billing):
    """60 days ago an invoice of 121.00 and 50.00 paid on it 50 days ago; in the last 30 days a second
    invoice, its credit note (−121.00), 71.00 paid and a refund of 10.00."""
    customer = make_customer(party=PartyFactory(name="Bakker BV", email="boekhouding@bakker.example", language="nl"))
    first = posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=_ago(60), store_pdf=False)
    payment_register(
        customer=customer, amount=D("50"), payment_date=_ago(50), applications=[ApplicationInput(first)], by=billing
    )
    second = posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=_ago(20), store_pdf=False)
    posted_credit_note(invoice=second, by=clerk, post_by=billing, invoice_date=_ago(10))
    payment_register(customer=customer, amount=D("71"), payment_date=_ago(5), by=billing)
    payment_register(customer=customer, amount=D("10"), payment_date=_ago(4), direction="refund", by=billing)
    return customer


def test_opening_plus_period_is_closing(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        statement = customer_statement(customer=history, date_from=_ago(30), date_to=TODAY)

    assert statement.opening == D("71.00")  # 121 − 50
    assert [(line.kind, line.amount, line.balance) for line in statement.lines] == [
        ("invoice", D("121.00"), D("192.00")),
        ("credit_note", D("-121.00"), D("71.00")),
        ("payment", D("-71.00"), D("0.00")),
        ("refund", D("10.00"), D("10.00")),
    ]
    assert statement.opening + sum(line.amount for line in statement.lines) == statement.closing == D("10.00")
    assert statement.closing == customer_balance(customer=history)["balance"]


def test_a_period_ending_before_it_starts_is_refused(history):
    with pytest.raises(ValidationFailed) as refused:
        customer_statement(customer=history, date_from=TODAY, date_to=_ago(1))
    assert list(refused.value.field_errors) == ["to"]


def test_the_statement_is_emailed_once_by_a_job_in_the_party_language(history, billing, clerk):
    statement = customer_statement_send(customer=history, date_from=_ago(30), date_to=TODAY, by=billing)
    assert (statement.to, statement.status, mail.outbox) == ("boekhouding@bakker.example", "queued", [])

    [run] = jobs_run_due()

    assert run.status == "succeeded"
    [message] = mail.outbox
    assert message.to == ["boekhouding@bakker.example"]
    # in the party's language (Dutch)
    assert message.subject == f"Rekeningoverzicht {history.number} van Northwind Trading B.V."
    assert "Bijgaand vindt u het overzicht van uw rekening" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"statement-{history.number}-{_ago(30)}-{TODAY}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert Activity.objects.filter(party=history.party, subject__startswith="Statement").count() == 1
    # a retry of the same request sends nothing more
    customer_statement_deliver(statement_id=statement.pk)
    assert len(mail.outbox) == 1
    assert CustomerStatement.objects.get().status == "sent"

    with pytest.raises(Exception) as refused:
        customer_statement_send(customer=history, date_from=_ago(30), date_to=TODAY, by=clerk)
    assert "may not send statements" in str(refused.value)


def test_statement_pdf_from_the_page_and_the_api_and_email_from_the_api(history, client, billing):
    client.force_login(billing)
    page = client.get(
        reverse("invoicing:customer_statement_pdf", args=[history.pk]), {"date_from": _ago(30), "date_to": TODAY}
    )
    assert (page.status_code, page["Content-Type"], page.content[:4]) == (200, "application/pdf", b"%PDF")
    panel = client.get(reverse("invoicing:customer_account", args=[history.pk]), HTTP_HX_REQUEST="true")
    assert "Email statement" in panel.content.decode()

    api = api_client(billing)
    pdf = api.get(
        f"/api/v1/customers/{history.pk}/statement.pdf", {"from": _ago(30).isoformat(), "to": TODAY.isoformat()}
    )
    assert (pdf.status_code, pdf.content[:4]) == (200, b"%PDF")
    bad = problem(api.get(f"/api/v1/customers/{history.pk}/statement.pdf", {"from": "x", "to": TODAY.isoformat()}), 400)
    assert bad["errors"] == [{"field": "from", "message": "'x' is not a date (YYYY-MM-DD)."}]

    queued = api.post(
        f"/api/v1/customers/{history.pk}/statement/email/",
        {"date_from": _ago(30).isoformat(), "date_to": TODAY.isoformat(), "to": "ap@bakker.example"},
        format="json",
    )
    assert queued.status_code == 202, queued.content
    assert queued.json()["to"] == "ap@bakker.example"
    jobs_run_due()
    assert [m.to for m in mail.outbox] == [["ap@bakker.example"]]
