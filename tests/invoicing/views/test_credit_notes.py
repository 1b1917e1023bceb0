"""The clerk's pages for crediting a posted invoice: the credit note form, cancel and correct buttons, the
invoice page listing its credit notes, the customer account netting them."""

from decimal import Decimal

from django.urls import reverse

from invoicing.documents import invoice_document_context
from invoicing.models import Invoice
from invoicing.services.credit_notes import credit_note_create, invoice_cancel
from invoicing.services.invoices import invoice_post
from tests.factories.invoicing import posted_invoice
from tests.factories.salesapp import make_customer

D = Decimal


def test_credit_note_form_lists_what_remains_and_makes_a_draft(client, clerk, billing):
    # given: an invoice of 2 × 100.00 (200.00 net), 50.00 of it credited already
    invoice = posted_invoice(by=clerk, post_by=billing, quantity="2")
    line = invoice.lines.get()
    credit_note_create(invoice=invoice, lines={line.pk: D("50.00")}, reason="Goodwill", by=billing)
    client.force_login(billing)
    url = reverse("invoicing:invoice_credit_note", args=[invoice.pk])

    # when: the form is shown
    response = client.get(url)

    # then: the line with its remaining 150.00
    assert response.status_code == 200
    assert [(row.credited, row.remaining) for row in response.context["lines"]] == [(D("50.00"), D("150.00"))]

    # when: 151.00 is asked, more than remains
    response = client.post(url, {"reason": "Price correction", f"line_{line.pk}": "151.00"})

    # then: the form again, the error on the line's field
    assert response.status_code == 200
    (error,) = response.context["form"].errors[f"line_{line.pk}"]
    assert error.startswith("Line 10 (") and error.endswith("151.00 to credit, but only 150.00 remains uncredited.")
    assert invoice.credit_notes.count() == 1

    # when: 40.00
    response = client.post(url, {"reason": "Price correction", f"line_{line.pk}": "40.00"})

    # then: the draft credit note's page
    note = invoice.credit_notes.order_by("pk").last()
    assert response.status_code == 302 and response.url == reverse("invoicing:invoice_detail", args=[note.pk])
    assert (note.amount_net, note.credit_reason) == (D("-40.00"), "Price correction")
    page = client.get(response.url).content.decode()
    assert "Draft credit note" in page and "Price correction" in page and invoice.number in page


def test_credit_note_form_query_count_does_not_grow_with_lines(client, clerk, billing, django_assert_max_num_queries):
    one = posted_invoice(by=clerk, post_by=billing, store_pdf=False)
    client.force_login(billing)
    with django_assert_max_num_queries(9) as counted:
        client.get(reverse("invoicing:invoice_credit_note", args=[one.pk]))
    baseline = len(counted.captured_queries)
    # a second invoice with a credit note on its line: still the same number of queries
    other = posted_invoice(by=clerk, post_by=billing, store_pdf=False, quantity="3")
    credit_note_create(invoice=other, lines={other.lines.get().pk: D("1.00")}, reason="x", by=billing)
    with django_assert_max_num_queries(baseline):
        client.get(reverse("invoicing:invoice_credit_note", args=[other.pk]))


def test_posted_invoice_page_offers_credit_note_cancel_and_correct(client, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)

    response = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))

    allowed = {action.name for action in response.context["page"].buttons if action.allowed}
    assert {"credit_note", "cancel", "correct"} <= allowed


def test_cancel_from_the_page_lists_the_credit_note_on_the_invoice(client, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)

    assert client.get(reverse("invoicing:invoice_cancel", args=[invoice.pk])).status_code == 405
    response = client.post(reverse("invoicing:invoice_cancel", args=[invoice.pk]), follow=True)

    invoice.refresh_from_db()
    note = invoice.credit_notes.get()
    assert invoice.state == "canceled"
    html = response.content.decode()
    assert "Invoice canceled" in html
    assert 'id="invoice-credit-notes"' in html and note.number in html
    note_page = client.get(reverse("invoicing:invoice_detail", args=[note.pk])).content.decode()
    assert f"Credit note {note.number}" in note_page and invoice.number in note_page


def test_correct_from_the_page_opens_the_new_draft(client, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(billing)

    response = client.post(reverse("invoicing:invoice_correct", args=[invoice.pk]))

    draft = Invoice.objects.get(corrects=invoice)
    assert response.status_code == 302 and response.url == reverse("invoicing:invoice_detail", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "Corrects" in page and invoice.number in page


def test_cancel_refused_for_a_sales_clerk(client, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing)
    client.force_login(clerk)
    response = client.post(reverse("invoicing:invoice_cancel", args=[invoice.pk]))
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.state == "posted"


def test_customer_account_shows_credit_notes_and_nets_them(client, clerk, billing):
    # given: two invoices of 121.00; 20.00 + 21 % = 24.20 credited on the first; the second canceled
    customer = make_customer()
    first = posted_invoice(by=clerk, post_by=billing, customer=customer)
    second = posted_invoice(by=clerk, post_by=billing, customer=customer)
    note = credit_note_create(invoice=first, lines={first.lines.get().pk: D("20.00")}, reason="Goodwill", by=billing)
    note = invoice_post(invoice=note, by=billing)
    invoice_cancel(invoice=second, by=billing)
    client.force_login(clerk)

    response = client.get(reverse("invoicing:customer_account", args=[customer.pk]), HTTP_HX_REQUEST="true")

    # then: 121.00 − 24.20 = 96.80 owed; the canceled invoice and its credit note count for nothing
    balance = response.context["balance"]
    assert (balance["balance"], balance["total_sales"]) == (D("96.80"), D("80.00"))
    assert '<dd class="num" id="account-balance">EUR 96.80</dd>' in response.content.decode()


def test_the_credit_note_pdf_names_the_invoice_it_credits(client, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing)
    invoice_cancel(invoice=invoice, by=billing)
    note = invoice.credit_notes.get()
    client.force_login(billing)

    response = client.get(reverse("invoicing:invoice_pdf", args=[note.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    context = invoice_document_context(note)
    assert (context["invoice"].credited_invoice.number, context["invoice"].credit_reason) == (
        invoice.number,
        f"Cancels invoice {invoice.number}.",
    )
