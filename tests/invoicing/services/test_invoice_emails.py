"""Invoice emails: a posted invoice or credit note goes to the customer with its PDF, once, in its language."""

import io

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from invoicing.models import InvoiceEmail
from invoicing.services.invoice_emails import invoice_email_deliver, invoice_email_send
from invoicing.services.invoices import invoice_create_from_order
from marketing.models import Activity
from tests.core.api.helpers import api_client, problem
from tests.factories.invoicing import partly_delivered_order, posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

pytestmark = pytest.mark.django_db
COMPANY = settings.SALESFLOW_COMPANY["name"]


def _customer(language="en", email="ap@bakker.example"):
    return make_customer(party=PartyFactory(name="Bakker BV", email=email, language=language))


def _invoice_mail() -> list:
    """What went out about invoices (posting the delivery sent its shipping notice before)."""
    return [message for message in mail.outbox if message.attachments[0][0].startswith("INV")]


def _posted(clerk, billing, **customer):
    invoice = posted_slip_invoice(by=clerk, post_by=billing, customer=_customer(**customer))
    jobs_run_due()  # the shipping notice and the stored PDF
    mail.outbox.clear()
    return invoice


def test_a_posted_invoice_is_emailed_once_with_its_pdf_and_recorded_on_the_timeline(clerk, billing):
    invoice = _posted(clerk, billing)

    email = invoice_email_send(invoice=invoice, by=billing)
    assert (email.to, email.status, mail.outbox) == ("ap@bakker.example", "queued", [])
    runs = jobs_run_due()

    assert all(run.status == "succeeded" for run in runs)
    [message] = mail.outbox
    assert message.subject == f"Invoice {invoice.number} from {COMPANY}"
    assert f"Please find attached invoice {invoice.number}." in message.body
    assert "Total: EUR 221.55 including tax, due on" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert invoice.number in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    email.refresh_from_db()
    assert email.status == "sent"
    activity = Activity.objects.get(document_id=invoice.pk, subject__startswith="Invoice")
    assert activity.subject == f"Invoice {invoice.number} sent to ap@bakker.example"
    # a retried job sends nothing more
    invoice_email_deliver(email_id=email.pk)
    assert len(mail.outbox) == 1


def test_the_message_is_in_the_customers_language(clerk, billing):
    invoice = _posted(clerk, billing, language="nl")

    invoice_email_send(invoice=invoice, to="boekhouding@bakker.example", by=billing)
    jobs_run_due()

    [message] = mail.outbox
    assert message.to == ["boekhouding@bakker.example"]
    assert message.subject == f"Factuur {invoice.number} van {COMPANY}"
    assert message.body.startswith("Beste Bakker BV,")


def test_a_draft_a_customer_without_email_and_a_clerk_without_the_right_are_refused(clerk, billing):
    order, _slip = partly_delivered_order(by=clerk, customer=_customer(email=""))
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)

    with pytest.raises(TransitionRefused, match="emailed once they are posted"):
        invoice_email_send(invoice=draft, by=billing)
    posted = posted_slip_invoice(by=clerk, post_by=billing, customer=_customer(email=""))
    with pytest.raises(ValidationFailed) as no_address:
        invoice_email_send(invoice=posted, by=billing)
    assert list(no_address.value.field_errors) == ["to"]
    with pytest.raises(ActionForbidden):
        invoice_email_send(invoice=posted, to="x@example.com", by=clerk)
    assert not InvoiceEmail.objects.exists()


def test_the_page_and_the_api_email_an_invoice(client, clerk, billing, integrator):
    invoice = _posted(clerk, billing)
    client.force_login(billing)

    page = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))
    assert reverse("invoicing:invoice_email", args=[invoice.pk]) in page.content.decode()
    sent = client.post(reverse("invoicing:invoice_email", args=[invoice.pk]), {"to": ""})
    assert sent.status_code == 302
    api = api_client(integrator)
    queued = api.post(f"/api/v1/invoices/{invoice.pk}/email/", {"to": "cfo@bakker.example"}, format="json")
    assert queued.status_code == 202
    assert queued.json()["to"] == "cfo@bakker.example" and queued.json()["status"] == "queued"
    problem(api.post(f"/api/v1/invoices/{invoice.pk}/email/", {"to": "not-an-address"}, format="json"), 400)
    jobs_run_due()
    assert sorted(message.to[0] for message in mail.outbox) == ["ap@bakker.example", "cfo@bakker.example"]
    page = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))
    assert page.content.decode().count("sent ") >= 2
