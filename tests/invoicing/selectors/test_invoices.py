import datetime
from decimal import Decimal

from django.utils import timezone

from invoicing.models import Invoice
from invoicing.selectors.invoices import invoice_filter_overdue, invoice_list, invoice_list_open
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import draft_invoice, posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def invoices(clerk, billing):
    """Acme pays in 14 days, Beta in 30; every invoice is 121.00.

    INV-000001 Acme, dated 30 days ago: due 16 days ago, unpaid → overdue
    INV-000002 Acme, dated 14 days ago: due today → not yet overdue
    INV-000003 Beta, dated 60 days ago: due 30 days ago but paid in full → not overdue
    INV-000004 Acme, dated 20 days ago: due 6 days ago, 21.00 paid → overdue
    and a draft for Beta (SO-000005), which has no number and no due date."""
    acme = make_customer(party=PartyFactory(name="Acme BV"), payment_terms_days=14)
    beta = make_customer(party=PartyFactory(name="Beta BV"), payment_terms_days=30)
    overdue = posted_invoice(by=clerk, post_by=billing, customer=acme, invoice_date=days_ago(30), store_pdf=False)
    due_today = posted_invoice(by=clerk, post_by=billing, customer=acme, invoice_date=days_ago(14), store_pdf=False)
    paid = posted_invoice(by=clerk, post_by=billing, customer=beta, invoice_date=days_ago(60), store_pdf=False)
    partly = posted_invoice(by=clerk, post_by=billing, customer=acme, invoice_date=days_ago(20), store_pdf=False)
    draft = draft_invoice(by=clerk, customer=beta)
    payment_register(customer=beta, amount=D("121.00"), applications=[ApplicationInput(paid)], by=billing)
    payment_register(customer=acme, amount=D("21.00"), applications=[ApplicationInput(partly)], by=billing)
    return acme, beta, overdue, due_today, paid, partly, draft


def ids(queryset) -> list[int]:
    return [invoice.pk for invoice in queryset]


def test_invoices_are_listed_newest_first(clerk, billing):
    # given
    *_, overdue, due_today, paid, partly, draft = invoices(clerk, billing)

    # when
    found = [(invoice.pk, invoice.number, invoice.state, invoice.payment_state) for invoice in invoice_list()]

    # then
    assert found == [
        (draft.pk, None, "draft", "unpaid"),
        (partly.pk, "INV-000004", "posted", "partially_paid"),
        (paid.pk, "INV-000003", "posted", "paid"),
        (due_today.pk, "INV-000002", "posted", "unpaid"),
        (overdue.pk, "INV-000001", "posted", "unpaid"),
    ]


def test_filters_search_state_payment_state_and_customer(clerk, billing):
    # given
    acme, beta, overdue, due_today, paid, partly, draft = invoices(clerk, billing)

    # when / then: search matches the invoice number, the customer's name and the order number
    assert ids(invoice_list(search="inv-000002")) == [due_today.pk]
    assert ids(invoice_list(search="beta")) == [draft.pk, paid.pk]
    assert ids(invoice_list(search=draft.order.number)) == [draft.pk]
    assert ids(invoice_list(state="draft")) == [draft.pk]
    assert ids(invoice_list(payment_state="unpaid", state="posted")) == [due_today.pk, overdue.pk]
    assert ids(invoice_list(payment_state="paid")) == [paid.pk]
    assert ids(invoice_list(customer_id=acme.pk)) == [partly.pk, due_today.pk, overdue.pk]
    assert ids(invoice_list(customer_id=beta.pk, state="posted")) == [paid.pk]


def test_overdue_is_posted_not_fully_paid_and_due_before_today(clerk, billing):
    # given
    acme, beta, overdue, due_today, paid, partly, draft = invoices(clerk, billing)

    # when
    found = ids(invoice_list(overdue=True))

    # then: due today is not overdue yet; paid and draft never are
    assert found == [partly.pk, overdue.pk]
    assert ids(invoice_filter_overdue(Invoice.objects.order_by("pk"))) == [overdue.pk, partly.pk]
    assert ids(invoice_list(overdue=True, customer_id=beta.pk)) == []
    # the query agrees with the model's rule
    assert [i.pk for i in Invoice.objects.order_by("pk") if i.is_overdue()] == [overdue.pk, partly.pk]


def test_open_invoices_are_posted_and_not_fully_paid_oldest_due_first(clerk, billing):
    # given
    acme, beta, overdue, due_today, paid, partly, draft = invoices(clerk, billing)

    # when / then: due 16 days ago, 6 days ago, today
    assert ids(invoice_list_open()) == [overdue.pk, partly.pk, due_today.pk]
    assert [invoice.amount_open for invoice in invoice_list_open()] == [D("121.00"), D("100.00"), D("121.00")]
    assert ids(invoice_list_open(customer_id=beta.pk)) == []
    assert ids(invoice_list_open(customer_id=acme.pk)) == [overdue.pk, partly.pk, due_today.pk]


def test_the_lists_and_their_customers_take_one_query_each(clerk, billing, django_assert_num_queries):
    # given
    invoices(clerk, billing)

    # when
    with django_assert_num_queries(2):
        listed = [(i.number, i.customer.party.name, i.order.number) for i in invoice_list()]
        open_ = [(i.number, i.customer.party.name) for i in invoice_list_open()]

    # then
    assert [row[:2] for row in listed] == [
        (None, "Beta BV"),
        ("INV-000004", "Acme BV"),
        ("INV-000003", "Beta BV"),
        ("INV-000002", "Acme BV"),
        ("INV-000001", "Acme BV"),
    ]
    assert [row[2] for row in listed] == ["SO-000005", "SO-000004", "SO-000003", "SO-000002", "SO-000001"]
    assert open_ == [("INV-000001", "Acme BV"), ("INV-000004", "Acme BV"), ("INV-000002", "Acme BV")]
