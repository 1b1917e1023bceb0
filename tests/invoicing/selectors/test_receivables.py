"""Customer figures and the aging report, from documents made through the services."""

import datetime
from decimal import Decimal

import pytest

from invoicing.selectors.aging import AgingReport
from invoicing.selectors.customer_accounts import customer_figures
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import posted_credit_note, posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal
TODAY = datetime.date.today()


def _days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def aged(clerk, billing):
    """Customer "Aged" on 10-day terms: invoices of 121.00 due 5, 20, 45, 75 and 100 days ago and one due in 5
    days; 21.00 paid 2 days ago on the one due 100 days ago; a credit note of −121.00 of the newest."""
    customer = make_customer(party=PartyFactory(name="Aged"), payment_terms_days=10)
    invoices = [
        posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=_days_ago(days + 10), store_pdf=False)
        for days in (5, 20, 45, 75, 100, -5)
    ]
    payment_register(
        customer=customer,
        amount=D("21.00"),
        payment_date=_days_ago(2),
        applications=[ApplicationInput(invoices[4], D("21.00"))],
        by=billing,
    )
    credit = posted_credit_note(invoice=invoices[5], by=clerk, post_by=billing)
    return customer, invoices, credit


def test_aging_buckets_on_a_day(aged, django_assert_num_queries):
    customer, _invoices, _credit = aged
    other = make_customer(party=PartyFactory(name="Bystander"))  # nothing open: not listed

    with django_assert_num_queries(1):
        rows = AgingReport(as_of=TODAY)[0:50]

    assert [
        (r.customer_id, r.current, r.days_1_30, r.days_31_60, r.days_61_90, r.days_over_90, r.total) for r in rows
    ] == [
        # current: 121 due in 5 days − 121 credit note; 1–30: due 5 and 20 days ago; > 90: 121 − 21 paid.
        (customer.pk, D("0.00"), D("242.00"), D("121.00"), D("121.00"), D("100.00"), D("584.00"))
    ]
    assert other.pk not in [r.customer_id for r in rows]


def test_aging_as_of_an_earlier_day_ignores_later_documents_and_payments(aged):
    customer, _invoices, _credit = aged

    # 30 days ago: the three oldest were posted and due 15, 45 and 70 days before; the 21.00 was not paid yet.
    (row,) = AgingReport(as_of=_days_ago(30))[0:50]

    assert (row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.days_over_90, row.total) == (
        D("121.00"),  # posted that day, due 10 days later
        D("121.00"),
        D("121.00"),
        D("121.00"),
        D("0.00"),
        D("484.00"),
    )
    assert AgingReport(as_of=_days_ago(30), search="nobody").count() == 0
    assert AgingReport(as_of=_days_ago(30), search="age").count() == 1


def test_customer_figures(aged, billing, django_assert_num_queries):
    customer, invoices, credit = aged
    # the invoice due 45 days ago is paid in full 40 days after its date (on account 50.00 more)
    payment_register(
        customer=customer,
        amount=D("171.00"),
        payment_date=invoices[2].invoice_date + datetime.timedelta(days=40),
        applications=[ApplicationInput(invoices[2])],
        by=billing,
    )

    with django_assert_num_queries(3):
        figures = customer_figures(customer=customer, today=TODAY)

    # open invoices: 6 × 121 − 21 − 121 = 584; open credit 121; on account 50.
    assert {k: figures[k] for k in ("open_invoices", "open_credits", "unapplied_payments", "balance")} == {
        "open_invoices": D("584.00"),
        "open_credits": D("121.00"),
        "unapplied_payments": D("50.00"),
        "balance": D("413.00"),
    }
    # overdue: due 5, 20, 75 days ago in full, 100 days ago less 21.
    assert figures["overdue"] == D("463.00")
    assert figures["average_days_to_pay"] == D("40.0")
    invoiced_net_by_year: dict[int, Decimal] = {}
    for invoice in [*invoices, credit]:
        year = invoice.invoice_date.year
        invoiced_net_by_year[year] = invoiced_net_by_year.get(year, D("0")) + invoice.amount_net
    assert (figures["sales_this_year"], figures["sales_last_year"]) == (
        invoiced_net_by_year.get(TODAY.year, D("0.00")),
        invoiced_net_by_year.get(TODAY.year - 1, D("0.00")),
    )
    assert figures["sales_this_year"] + figures["sales_last_year"] == D("500.00")  # 6 × 100 − 100
