from decimal import Decimal

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.models import Invoice, LedgerAccount
from invoicing.services.free_text_invoices import FreeTextLineInput, free_text_invoice_create
from invoicing.services.invoices import invoice_post
from salesapp.services.orders import order_confirm
from tests.factories.invoicing import draft_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def free_text_draft(by, lines: int = 1) -> Invoice:
    line = FreeTextLineInput(
        revenue_account=LedgerAccount.objects.get(number="8100"),
        description="Consulting",
        quantity=D("2"),
        unit_price=D("50.00"),
        tax_code=tax_code("NL21"),
    )
    customer = make_customer(party=PartyFactory(name="Contoso"))
    return free_text_invoice_create(customer=customer, lines=[line] * lines, by=by)


def test_create_a_free_text_invoice_then_add_change_and_remove_lines(client, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Contoso"), payment_terms_days=20)
    client.force_login(clerk)
    assert "New free text invoice" in client.get(reverse("invoicing:invoice_list")).content.decode()

    # when: the header
    response = client.post(reverse("invoicing:free_text_invoice_create"), {"customer": customer.pk})
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:free_text_invoice_edit", args=[invoice.pk])
    assert (invoice.basis, invoice.terms_days, invoice.currency) == ("free_text", 20, customer.currency)

    # when: two lines, one changed, one with a bank account refused
    add = reverse("invoicing:free_text_invoice_line_add", args=[invoice.pk])
    revenue = LedgerAccount.objects.get(number="8100").pk
    line = {"line-revenue_account": revenue, "line-description": "Workshop", "line-quantity": "1"}
    client.post(add, {**line, "line-unit_price": "500", "line-tax_code": "NL21"})
    client.post(add, {**line, "line-description": "Travel", "line-unit_price": "40", "line-tax_code": "NL9"})
    refused = client.post(
        add,
        {**line, "line-revenue_account": LedgerAccount.objects.get(number="1100").pk, "line-unit_price": "1"},
    )
    travel = invoice.lines.get(description="Travel")
    client.post(
        reverse("invoicing:free_text_invoice_line_update", args=[invoice.pk, travel.pk]),
        {**line, "line-description": "Travel", "line-quantity": "2", "line-unit_price": "40", "line-tax_code": "NL9"},
    )

    # then: 500.00 at 21 % (105.00) + 80.00 at 9 % (7.20)
    assert refused.status_code == 400
    assert refused.context["line_form"].errors["revenue_account"]
    invoice.refresh_from_db()
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("580.00"), D("112.20"), D("692.20"))

    # when: a line removed
    client.post(reverse("invoicing:free_text_invoice_line_delete", args=[invoice.pk, travel.pk]))
    invoice.refresh_from_db()
    assert invoice.amount_total == D("605.00")


def test_the_draft_page_posts_and_then_shows_the_invoice(client, billing):
    invoice = free_text_draft(billing)
    client.force_login(billing)
    page = client.get(reverse("invoicing:free_text_invoice_edit", args=[invoice.pk])).content.decode()
    assert reverse("invoicing:invoice_post", args=[invoice.pk]) in page

    client.post(reverse("invoicing:invoice_post", args=[invoice.pk]))

    invoice.refresh_from_db()
    assert invoice.state == "posted"
    response = client.get(reverse("invoicing:free_text_invoice_edit", args=[invoice.pk]))
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    refused = client.post(reverse("invoicing:free_text_invoice_line_delete", args=[invoice.pk, invoice.lines.get().pk]))
    assert any("is posted and cannot be changed" in message for message in messages_of(refused))


def test_the_draft_page_reads_the_same_few_queries_for_any_number_of_lines(client, clerk):
    small, large = free_text_draft(clerk, lines=1), free_text_draft(clerk, lines=12)
    client.force_login(clerk)
    counts = []
    for invoice in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("invoicing:free_text_invoice_edit", args=[invoice.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_invoice_list_filters_by_basis(client, clerk):
    free_text = free_text_draft(clerk)
    draft_invoice(by=clerk)
    client.force_login(clerk)
    response = client.get(reverse("invoicing:invoice_list"), {"basis": "free_text"})
    assert [invoice.pk for invoice in response.context["page_obj"]] == [free_text.pk]


def test_order_page_offers_the_pro_forma_and_explains_a_refusal(client, clerk):
    # given: a confirmed order, and an open one
    item = ItemFactory(unit_price=D("10.00"))
    confirmed = order_confirm(order=make_order(lines=[(item, "3")], by=clerk), by=clerk)
    client.force_login(clerk)

    # when / then
    page = client.get(reverse("salesapp:order_detail", args=[confirmed.pk])).content.decode()
    assert reverse("invoicing:order_pro_forma", args=[confirmed.pk]) in page
    response = client.get(reverse("invoicing:order_pro_forma", args=[confirmed.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")

    response = client.get(reverse("invoicing:order_pro_forma", args=[confirmed.pk]), {"basis": "packing_slips"})
    assert response["Location"] == reverse("salesapp:order_detail", args=[confirmed.pk])
    assert messages_of(response) == [f"Order {confirmed.number} has nothing delivered and not yet invoiced."]


def test_a_posted_invoice_has_no_pro_forma(client, billing):
    invoice = invoice_post(invoice=free_text_draft(billing), store_pdf=False, by=billing)
    client.force_login(billing)
    response = client.get(reverse("invoicing:invoice_pro_forma", args=[invoice.pk]))
    assert response.status_code == 302
    assert any("its PDF is the invoice itself" in message for message in messages_of(response))
