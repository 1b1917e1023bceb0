import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from procrastinate.contrib.django.models import ProcrastinateJob
from pypdf import PdfReader

from core.errors import TransitionRefused
from core.jobs import jobs_run_due
from core.models import JobFailure
from invoicing.documents import invoice_pdf
from invoicing.jobs import invoice_pdf_store_job
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import order_confirm
from tests.factories.invoicing import draft_invoice, posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_draft_is_pro_forma_and_posted_pdf_is_stored_by_its_job(clerk, billing):
    # given: a draft invoice
    item = ItemFactory(number="A-100", name="Desk lamp", unit_price=D("12.50"))
    order = order_confirm(order=make_order(lines=[(item, "10")], by=clerk), by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)

    # when / then: the draft renders as an unnumbered pro forma
    content, filename = invoice_pdf(invoice)
    text = pdf_text(content)
    assert content.startswith(b"%PDF") and filename == f"pro-forma-{invoice.pk}.pdf"
    assert "Pro forma invoice" in text and "not numbered" in text
    assert "DRAFT / PRO FORMA" in text.replace("PROFORMA", "PRO FORMA")  # the watermark's letters
    assert "Desk lamp" in text and "151.25" in text

    # when: posted, and its job has run
    invoice = invoice_post(invoice=invoice, by=billing)
    invoice.refresh_from_db()
    assert invoice.pdf.name == ""  # not rendered in the posting itself
    runs = jobs_run_due()
    invoice.refresh_from_db()

    # then: the original is kept and served as it is
    assert [(run.task_name, run.status) for run in runs] == [("invoicing.invoice_pdf_store", "succeeded")]
    assert invoice.pdf.name.startswith("invoices/")
    content, filename = invoice_pdf(invoice)
    text = pdf_text(content)
    assert filename == f"{invoice.number}.pdf"
    assert f"Invoice {invoice.number}" in text and "forma" not in text.lower() and "151.25" in text


def test_the_posting_enqueues_one_pdf_job_that_commits_with_it(clerk, billing):
    # given
    order = order_confirm(order=make_order(lines=[(ItemFactory(unit_price=D("10")), "1")], by=clerk), by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)

    # when
    invoice = invoice_post(invoice=invoice, by=billing)

    # then: one waiting job, for this invoice
    assert list(ProcrastinateJob.objects.values_list("task_name", "args", "status", "queue_name")) == [
        ("invoicing.invoice_pdf_store", {"invoice_id": invoice.pk}, "todo", "default")
    ]


def test_a_refused_posting_leaves_no_pdf_job(clerk, billing):
    # given: an invoice already posted, its job done
    invoice = posted_invoice(by=clerk, post_by=billing)
    jobs_run_due()

    # when: posted again (refused: the transaction rolls back)
    with pytest.raises(TransitionRefused):
        invoice_post(invoice=invoice, by=billing)

    # then: still the one job of the first posting
    assert ProcrastinateJob.objects.count() == 1


def test_the_pdf_job_stores_once_and_a_retry_keeps_the_stored_file(clerk, billing):
    # given: a posted invoice whose PDF job has run
    invoice = posted_invoice(by=clerk, post_by=billing)
    jobs_run_due()
    invoice.refresh_from_db()
    stored = invoice.pdf.name
    folder = stored.rsplit("/", 1)[0]
    files = default_storage.listdir(folder)[1]

    # when: the job runs again (a retry after a lost acknowledgement, say)
    invoice_pdf_store_job(invoice_id=invoice.pk)

    # then: the same file, nothing rendered or written again
    invoice.refresh_from_db()
    assert invoice.pdf.name == stored
    assert default_storage.listdir(folder)[1] == files


def test_a_pdf_that_fails_to_render_leaves_the_posting_and_its_download_works(clerk, billing, monkeypatch):
    # given: PDF rendering is broken (e.g. fonts missing on the server)
    order = order_confirm(order=make_order(lines=[(ItemFactory(unit_price=D("10")), "1")], by=clerk), by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)

    def broken(**kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr("invoicing.documents.render_pdf", broken)
    # when
    invoice = invoice_post(invoice=invoice, by=billing)
    runs = jobs_run_due()
    # then: posted, the job waits for a retry with its error recorded, no PDF stored yet
    invoice.refresh_from_db()
    assert (invoice.state, invoice.pdf.name) == ("posted", "")
    assert [(run.status, run.error) for run in runs] == [("todo", "OSError('no fonts')")]
    failure = JobFailure.objects.get()
    assert (failure.job_id, failure.attempt, failure.error.splitlines()[-1]) == (runs[0].job_id, 1, "OSError: no fonts")
    # and once rendering works again, the first download stores it
    monkeypatch.undo()
    content, filename = invoice_pdf(invoice)
    invoice.refresh_from_db()
    assert content.startswith(b"%PDF") and invoice.pdf.name.startswith("invoices/")


def test_the_pdf_is_in_the_customers_language(clerk, billing):
    # given: a Dutch and a Swedish customer, each with a posted invoice
    dutch = make_customer(party=PartyFactory(name="Bakkerij De Vries", language="nl"))
    swedish = make_customer(party=PartyFactory(name="Bageri Lund", language="sv"))
    invoices = [
        posted_invoice(by=clerk, post_by=billing, customer=customer, store_pdf=False) for customer in (dutch, swedish)
    ]

    # when: rendered while the clerk's page is in English
    with translation.override("en"):
        texts = [pdf_text(invoice_pdf(invoice)[0]) for invoice in invoices]

    # then: every label in the customer's language
    dutch_text, swedish_text = texts
    for label in (
        "Factuurnummer",
        "Factuurdatum",
        "Vervaldatum",
        "Klantnummer",
        "Nettobedrag",
        "Totaal",
        "Betalingstermijn",
    ):
        assert label in dutch_text
    for label in (
        "Fakturanummer",
        "Fakturadatum",
        "Förfallodatum",
        "Kundnummer",
        "Nettobelopp",
        "Totalt",
        "Betalningsvillkor",
    ):
        assert label in swedish_text
    assert "Invoice number" not in dutch_text and "Invoice number" not in swedish_text
    assert f"Factuur {invoices[0].number}" in dutch_text
    # and amounts in the customer's number format
    assert "Totaal EUR 121,00" in dutch_text and "Btw NL21 21 % over 100,00 EUR 21,00" in dutch_text
    assert "Totalt EUR 121,00" in swedish_text and "Moms NL21 21 % på 100,00 EUR 21,00" in swedish_text


def test_a_pro_forma_pdf_is_in_the_customers_language(clerk):
    # given
    customer = make_customer(party=PartyFactory(language="nl"))
    draft = draft_invoice(by=clerk, customer=customer)

    # when
    text = pdf_text(invoice_pdf(draft)[0])

    # then
    assert "Pro-formafactuur" in text and "niet genummerd (pro forma)" in text
