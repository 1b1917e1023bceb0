import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from invoicing.models import Invoice, InvoiceLine, JournalEntry, JournalLine, LedgerAccount
from invoicing.services.free_text_invoices import (
    FreeTextLineInput,
    free_text_invoice_create,
    free_text_invoice_line_add,
    free_text_invoice_line_delete,
    free_text_invoice_line_update,
    free_text_invoice_update,
)
from invoicing.services.invoices import invoice_post
from tests.factories.invoicing import posted_invoice
from tests.factories.salesapp import ItemFactory, make_customer, tax_code

D = Decimal


def account(number: str) -> LedgerAccount:
    return LedgerAccount.objects.get(number=number)


def consulting_line(**changes) -> FreeTextLineInput:
    values = {
        "revenue_account": account("8100"),
        "description": "Consulting, March",
        "quantity": D("8"),
        "unit_price": D("95.00"),
        "tax_code": tax_code("NL21"),
    }
    return FreeTextLineInput(**{**values, **changes})


def snapshot(invoice: Invoice):
    invoice.refresh_from_db()
    lines = list(invoice.lines.order_by("line_no").values_list("description", "quantity", "net_amount"))
    return invoice.state, invoice.number, invoice.amount_total, lines


def test_create_defaults_to_the_customers_currency_and_terms(clerk):
    # given
    customer = make_customer(currency="SEK", payment_terms_days=14)

    # when
    invoice = free_text_invoice_create(customer=customer, lines=[consulting_line()], by=clerk)

    # then: 8 × 95.00 = 760.00, 21 % tax 159.60
    assert (invoice.basis, invoice.currency, invoice.payment_terms_days) == ("free_text", "SEK", 14)
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("760.00"), D("159.60"), D("919.60"))
    assert invoice.order_id is None and invoice.number is None


def test_a_non_revenue_account_is_refused_naming_the_line(clerk):
    customer = make_customer()
    with pytest.raises(ValidationFailed) as refused:
        free_text_invoice_create(
            customer=customer,
            lines=[consulting_line(), consulting_line(revenue_account=account("1100"))],
            by=clerk,
        )
    assert list(refused.value.field_errors) == ["lines[1].revenue_account"]
    assert "1100 Bank is not a revenue account" in refused.value.field_errors["lines[1].revenue_account"]
    assert Invoice.objects.count() == 0


def test_every_missing_field_is_named(clerk):
    with pytest.raises(ValidationFailed) as refused:
        free_text_invoice_create(
            customer=make_customer(),
            lines=[consulting_line(revenue_account=None, description=" ", quantity=D("0"), tax_code=None)],
            by=clerk,
        )
    assert sorted(refused.value.field_errors) == [
        "lines[0].description",
        "lines[0].quantity",
        "lines[0].revenue_account",
        "lines[0].tax_code",
    ]


def test_an_item_brings_its_tax_code_when_none_is_given(clerk):
    item = ItemFactory(item_type="service", tax_code=tax_code("NL9"), unit="h")
    invoice = free_text_invoice_create(
        customer=make_customer(), lines=[consulting_line(item=item, tax_code=None)], by=clerk
    )
    line = invoice.lines.get()
    assert (line.tax_code.code, line.unit, line.line_type, line.item_id) == ("NL9", "h", "service", item.pk)


def test_lines_are_added_changed_and_deleted_while_draft(clerk):
    # given
    invoice = free_text_invoice_create(customer=make_customer(), lines=[consulting_line()], by=clerk)

    # when
    added = free_text_invoice_line_add(
        invoice=invoice,
        line=consulting_line(description="Travel", quantity=D("1"), unit_price=D("40.00"), tax_code=tax_code("NL9")),
        by=clerk,
    )
    free_text_invoice_line_update(invoice_line=added, quantity=D("2"), by=clerk)
    first = invoice.lines.get(line_no=10)
    free_text_invoice_line_update(invoice_line=first, unit_price=D("100.00"), by=clerk)

    # then: 800.00 at 21 % (168.00) + 80.00 at 9 % (7.20)
    invoice.refresh_from_db()
    assert added.line_no == 20
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("880.00"), D("175.20"), D("1055.20"))
    assert sorted(invoice.taxes.values_list("tax_code__code", "amount")) == [("NL21", D("168.00")), ("NL9", D("7.20"))]

    free_text_invoice_line_delete(invoice_line=first, by=clerk)
    invoice.refresh_from_db()
    assert invoice.amount_total == D("87.20")


def test_line_update_refuses_a_non_revenue_account(clerk):
    invoice = free_text_invoice_create(customer=make_customer(), lines=[consulting_line()], by=clerk)
    before = snapshot(invoice)
    with pytest.raises(ValidationFailed) as refused:
        free_text_invoice_line_update(invoice_line=invoice.lines.get(), revenue_account=account("1300"), by=clerk)
    assert list(refused.value.field_errors) == ["revenue_account"]
    assert snapshot(invoice) == before


def test_header_update_keeps_what_is_left_out(clerk):
    invoice = free_text_invoice_create(customer=make_customer(), lines=[consulting_line()], by=clerk)
    due = timezone.localdate() + datetime.timedelta(days=10)
    free_text_invoice_update(invoice=invoice, due_date=due, customer_reference="PO 4711", by=clerk)
    invoice.refresh_from_db()
    assert (invoice.due_date, invoice.customer_reference, invoice.terms_days) == (due, "PO 4711", 30)

    with pytest.raises(ValidationFailed) as refused:
        free_text_invoice_update(invoice=invoice, due_date=timezone.localdate() - datetime.timedelta(days=1), by=clerk)
    assert list(refused.value.field_errors) == ["due_date"]


def test_a_posted_invoice_refuses_every_edit_with_the_reason(clerk, billing):
    # given
    invoice = free_text_invoice_create(customer=make_customer(), lines=[consulting_line()], by=clerk)
    invoice = invoice_post(invoice=invoice, store_pdf=False, by=billing)
    line = invoice.lines.get()
    before = snapshot(invoice)

    # when / then
    edits = [
        lambda: free_text_invoice_update(invoice=invoice, customer_reference="late", by=clerk),
        lambda: free_text_invoice_line_add(invoice=invoice, line=consulting_line(), by=clerk),
        lambda: free_text_invoice_line_update(invoice_line=line, quantity=D("1"), by=clerk),
        lambda: free_text_invoice_line_delete(invoice_line=line, by=clerk),
    ]
    for edit in edits:
        with pytest.raises(TransitionRefused, match=f"Invoice {invoice.number} is posted and cannot be changed"):
            edit()
    assert snapshot(invoice) == before


def test_an_order_invoice_is_not_edited_as_free_text(clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing, store_pdf=False)
    with pytest.raises(TransitionRefused, match="not a free text invoice"):
        free_text_invoice_line_add(invoice=invoice, line=consulting_line(), by=clerk)


def test_a_blocked_customer_gets_no_free_text_invoice(clerk):
    customer = make_customer(blocked=True, blocked_reason="unpaid bills")
    with pytest.raises(TransitionRefused, match="is blocked: unpaid bills"):
        free_text_invoice_create(customer=customer, lines=[consulting_line()], by=clerk)


def test_scenario_two_tax_rates_posted_between_customer_invoices(clerk, billing):
    # given: a customer invoice, then a free text invoice with lines on two revenue accounts at two rates
    first = posted_invoice(by=clerk, post_by=billing, store_pdf=False)
    customer = make_customer(payment_terms_days=14)
    invoice = free_text_invoice_create(
        customer=customer,
        lines=[
            consulting_line(),
            consulting_line(
                revenue_account=account("8000"),
                description="Spare parts",
                quantity=D("3"),
                unit_price=D("20.00"),
                tax_code=tax_code("NL9"),
            ),
        ],
        by=clerk,
    )

    # when
    today = timezone.localdate()
    invoice = invoice_post(invoice=invoice, store_pdf=False, by=billing)
    last = posted_invoice(by=clerk, post_by=billing, store_pdf=False)

    # then: numbers follow one another in one series
    prefix, first_no = first.number[:4], int(first.number[4:])
    assert [invoice.number, last.number] == [f"{prefix}{first_no + 1:06d}", f"{prefix}{first_no + 2:06d}"]
    assert invoice.due_date == today + datetime.timedelta(days=14)
    # 760.00 at 21 % = 159.60; 60.00 at 9 % = 5.40 → 985.00
    assert invoice.amount_total == D("985.00")
    postings = {
        line.account.number: (line.debit, line.credit)
        for line in JournalLine.objects.filter(entry__invoice=invoice).select_related("account")
    }
    assert postings == {
        "1300": (D("985.00"), D("0")),
        "8100": (D("0"), D("760.00")),
        "8000": (D("0"), D("60.00")),
        "1600": (D("0"), D("159.60")),
        "1610": (D("0"), D("5.40")),
    }
    # every journal entry balances
    for entry in JournalEntry.objects.all():
        sums = entry.lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
        assert sums["debit"] == sums["credit"]
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 2


def test_a_due_date_typed_on_the_draft_stands_at_posting(clerk, billing):
    due = timezone.localdate() + datetime.timedelta(days=5)
    invoice = free_text_invoice_create(customer=make_customer(), lines=[consulting_line()], due_date=due, by=clerk)
    invoice = invoice_post(invoice=invoice, store_pdf=False, by=billing)
    assert invoice.due_date == due


def test_other_terms_than_the_customers_need_the_credit_right(clerk, billing):
    customer = make_customer(payment_terms_days=30)
    with pytest.raises(ActionForbidden) as refused:
        free_text_invoice_create(customer=customer, lines=[consulting_line()], payment_terms_days=60, by=clerk)
    assert refused.value.field == "payment_terms_days"
    invoice = free_text_invoice_create(customer=customer, lines=[consulting_line()], payment_terms_days=60, by=billing)
    assert invoice.terms_days == 60


def test_an_unknown_currency_is_refused_naming_the_field(clerk):
    with pytest.raises(ValidationFailed) as refused:
        free_text_invoice_create(customer=make_customer(), lines=[consulting_line()], currency="XYZ", by=clerk)
    assert list(refused.value.field_errors) == ["currency"]
    assert Invoice.objects.count() == 0
