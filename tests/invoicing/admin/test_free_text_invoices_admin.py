"""Free text invoices in the admin: drafted and edited through the services, read-only once posted."""

from decimal import Decimal

from django.urls import reverse

from invoicing.models import FreeTextInvoice, Invoice, LedgerAccount
from tests.factories.invoicing import draft_invoice
from tests.factories.salesapp import make_customer, tax_code

D = Decimal
ADD = reverse("admin:invoicing_freetextinvoice_add")


def change_url(invoice) -> str:
    return reverse("admin:invoicing_freetextinvoice_change", args=[invoice.pk])


def form_data(response, header: dict, lines: list[dict]) -> dict:
    """The POST of an admin change form: the header, and per inline its management form with ``lines`` for the
    invoice lines (each existing line as shown, unless ``lines`` gives it)."""
    data = dict(header)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        if formset.model.__name__ == "InvoiceLine":
            rows = lines
            initial = formset.initial_form_count()
        else:
            rows, initial = [], formset.initial_form_count()
        data |= {
            f"{prefix}-TOTAL_FORMS": max(len(rows), initial),
            f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for index, row in enumerate(rows):
            data |= {f"{prefix}-{index}-{name}": value for name, value in row.items() if value is not None}
    return data


def line(**changes) -> dict:
    return {
        "revenue_account": LedgerAccount.objects.get(number="8100").pk,
        "description": "Consulting",
        "quantity": "2",
        "unit_price": "100",
        "discount_percent": "0",
        "tax_code": tax_code("NL21").pk,
        **changes,
    }


def test_a_free_text_invoice_is_drafted_edited_and_posted_in_the_admin(client, administrator):
    # given
    customer = make_customer(payment_terms_days=10)
    client.force_login(administrator)

    # when: drafted with one line
    page = client.get(ADD)
    header = {"customer": customer.pk, "currency": "EUR", "terms_days": "10", "customer_reference": "PO 1"}
    response = client.post(ADD, form_data(page, header, [line()]))

    # then
    assert response.status_code == 302, response.context and response.context["errors"]
    invoice = Invoice.objects.get()
    assert (invoice.basis, invoice.customer_reference, invoice.amount_total) == ("free_text", "PO 1", D("242.00"))

    # when: the line changed and a second one with a bank account
    page = client.get(change_url(invoice))
    first = invoice.lines.get()
    changed = line(id=first.pk, invoice=invoice.pk, quantity="3")
    refused = client.post(
        change_url(invoice),
        form_data(page, header, [changed, line(revenue_account=LedgerAccount.objects.get(number="1100").pk)]),
        follow=True,
    )

    # then: refused, nothing changed
    # the select offers revenue accounts only (the service refuses the others too)
    assert refused.status_code == 200
    line_errors = [inline.formset.errors for inline in refused.context["inline_admin_formsets"]][0]
    assert list(line_errors[1]) == ["revenue_account"]
    invoice.refresh_from_db()
    assert invoice.amount_total == D("242.00")

    # when: only the change
    client.post(change_url(invoice), form_data(page, header, [changed]))

    # then: 3 × 100.00 + 21 %
    invoice.refresh_from_db()
    assert invoice.amount_total == D("363.00")

    # when: posted by the action
    client.post(
        reverse("admin:invoicing_freetextinvoice_changelist"),
        {"action": "post_invoices", "_selected_action": [invoice.pk]},
    )

    # then: numbered, and its page is read-only
    invoice.refresh_from_db()
    assert invoice.state == "posted" and invoice.number
    response = client.get(change_url(invoice))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_the_free_text_list_shows_only_free_text_invoices(client, administrator):
    draft_invoice(by=administrator)
    client.force_login(administrator)
    response = client.get(reverse("admin:invoicing_freetextinvoice_changelist"))
    assert response.status_code == 200
    assert FreeTextInvoice.objects.count() == 0
    assert response.context["cl"].result_count == 0
