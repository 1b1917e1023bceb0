"""Exchange rates: kept by the manager, and used by every posting in a foreign currency."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ActionForbidden, DomainError, ValidationFailed
from core.models import NumberSeries
from invoicing.errors import ErrorCode
from invoicing.models import ExchangeRate, JournalEntry, Payment
from invoicing.selectors.exchange_rates import rate_on
from invoicing.services.exchange_rates import (
    ExchangeRateImportRefused,
    exchange_rate_delete,
    exchange_rate_set,
    exchange_rates_import,
)
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from tests.factories.invoicing import partly_delivered_order
from tests.factories.salesapp import make_customer

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date(2026, 3, 1)


def test_the_rate_on_a_day_is_the_latest_valid_on_or_before_it(manager):
    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.9"), by=manager)
    exchange_rate_set(currency="USD", valid_from=DAY + datetime.timedelta(days=10), rate=D("0.95"), by=manager)

    assert rate_on("USD", DAY + datetime.timedelta(days=9)) == D("0.9")
    assert rate_on("USD", DAY + datetime.timedelta(days=10)) == D("0.95")
    with CaptureQueriesContext(connection) as captured:
        assert rate_on("EUR", DAY) == 1  # the company currency: no question asked
    assert captured.captured_queries == []
    with pytest.raises(DomainError) as missing:
        rate_on("USD", DAY - datetime.timedelta(days=1))
    assert missing.value.code == ErrorCode.EXCHANGE_RATE_MISSING
    assert "USD" in missing.value.reason and "2026-02-28" in missing.value.reason


def test_setting_a_day_that_has_a_rate_changes_it_and_only_managers_keep_rates(manager, clerk):
    first = exchange_rate_set(currency="SEK", valid_from=DAY, rate=D("0.087"), by=manager)
    again = exchange_rate_set(currency="SEK", valid_from=DAY, rate=D("0.0874"), by=manager)

    assert again.pk == first.pk and ExchangeRate.objects.get().rate == D("0.0874")
    with pytest.raises(ActionForbidden):
        exchange_rate_set(currency="SEK", valid_from=DAY, rate=D("1"), by=clerk)
    with pytest.raises(ActionForbidden):
        exchange_rate_delete(exchange_rate=again, by=clerk)
    exchange_rate_delete(exchange_rate=again, by=manager)
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("currency", "rate", "field"),
    [
        ("EUR", D("1"), "currency"),
        ("XYZ", D("1"), "currency"),
        ("USD", D("0"), "rate"),
        ("USD", D("0.1234567"), "rate"),
    ],
)
def test_a_wrong_rate_is_refused_naming_the_field(manager, currency, rate, field):
    with pytest.raises(ValidationFailed) as refused:
        exchange_rate_set(currency=currency, valid_from=DAY, rate=rate, by=manager)
    assert list(refused.value.field_errors) == [field]
    assert not ExchangeRate.objects.exists()


def _usd_draft(by):
    order, _slip = partly_delivered_order(by=by, customer=make_customer(currency="USD"))
    return invoice_create_from_order(order=order, basis="packing_slips", by=by)


def test_a_foreign_invoice_posts_its_entry_in_the_company_currency_at_the_rate_of_its_date(clerk, billing, manager):
    # given: a USD invoice of 195.00 net + 40.95 tax (21 %) and a rate that makes every line round
    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.333333"), by=manager)
    draft = _usd_draft(clerk)

    # when
    invoice = invoice_post(invoice=draft, invoice_date=DAY + datetime.timedelta(days=3), by=billing)

    # then: the entry keeps the document's currency and the rate; its lines are in EUR and balance
    entry = JournalEntry.objects.get(invoice=invoice)
    assert (entry.currency, entry.exchange_rate) == ("USD", D("0.333333"))
    lines = list(entry.lines.order_by("id"))
    debit, credit = sum(line.debit for line in lines), sum(line.credit for line in lines)
    assert debit == credit
    receivable = lines[0]
    assert receivable.debit == (invoice.amount_total * D("0.333333")).quantize(D("0.01"))
    # every line is its USD amount at the rate, give or take the cent that keeps the entry balanced
    usd = [invoice.amount_total, *(-line.net_amount for line in invoice.lines.all()), -invoice.amount_tax]
    assert abs(sum(line.credit for line in lines) - sum(-amount for amount in usd[1:]) * D("0.333333")) < D("0.02")


def test_without_a_rate_the_foreign_invoice_is_not_posted_and_nothing_changes(clerk, billing):
    draft = _usd_draft(clerk)
    numbers = list(NumberSeries.objects.order_by("code").values_list("code", "next_value"))

    with pytest.raises(DomainError) as refused:
        invoice_post(invoice=draft, by=billing)

    assert refused.value.code == ErrorCode.EXCHANGE_RATE_MISSING
    draft.refresh_from_db()
    assert (draft.state, draft.number) == ("draft", None)
    assert not JournalEntry.objects.exists()
    assert list(NumberSeries.objects.order_by("code").values_list("code", "next_value")) == numbers


def test_a_file_of_rates_is_imported_whole_and_a_day_that_has_a_rate_gets_the_files(manager):
    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.9"), by=manager)

    count = exchange_rates_import(
        file=b"currency;date;rate\nUSD;2026-03-01;0,92\nsek;2026-03-01;0.0874\nGBP;2026-03-02;1.15\n", by=manager
    )

    assert count == 3
    assert sorted(ExchangeRate.objects.values_list("currency", "valid_from", "rate")) == [
        ("GBP", datetime.date(2026, 3, 2), D("1.150000")),
        ("SEK", DAY, D("0.087400")),
        ("USD", DAY, D("0.920000")),
    ]


def test_a_file_with_a_wrong_row_imports_nothing_and_names_every_wrong_line(manager):
    with pytest.raises(ExchangeRateImportRefused) as refused:
        exchange_rates_import(
            file="currency,date,rate\nUSD,2026-03-01,0.92\nEUR,2026-03-01,1\nUSD,2026-03-01,0.93\nGBP,31-3-2026,x\n",
            by=manager,
        )

    assert refused.value.reason == "3 lines of the file are wrong: nothing was imported."
    assert [row.split(":")[0] for row in refused.value.rows] == ["line 3", "line 4", "line 5"]
    assert "company currency" in refused.value.rows[0]
    assert "line 2 gives USD a rate for this day already" in refused.value.rows[1]
    assert "date:" in refused.value.rows[2] and "rate:" in refused.value.rows[2]
    assert not ExchangeRate.objects.exists()
    with pytest.raises(ExchangeRateImportRefused, match="Unknown column 'price'"):
        exchange_rates_import(file="currency;date;price\nUSD;2026-03-01;1\n", by=manager)


def _receivable_of(customer) -> Decimal:
    from django.db.models import Sum

    from invoicing.models import JournalLine

    totals = JournalLine.objects.filter(account__role="receivable", customer=customer).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (totals["debit"] or D(0)) - (totals["credit"] or D(0))


def test_settling_at_another_rate_books_the_difference_and_taking_it_back_reverses_it(clerk, billing, manager):
    from invoicing.models import JournalLine
    from invoicing.selectors.customer_accounts import customer_figures
    from invoicing.services.payments import ApplicationInput, payment_application_unapply, payment_register

    # given: a USD invoice of 221.55 booked at 0.90, paid in full when the dollar is worth 0.95
    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.90"), by=manager)
    exchange_rate_set(currency="USD", valid_from=DAY + datetime.timedelta(days=20), rate=D("0.95"), by=manager)
    invoice = invoice_post(invoice=_usd_draft(clerk), invoice_date=DAY, by=billing)
    customer = invoice.customer
    assert (invoice.currency, invoice.amount_total) == ("USD", D("221.55"))

    # the aging report shows what is open in USD and, at the booked rate, in EUR
    from invoicing.selectors.aging import AgingReport

    [row] = list(AgingReport(as_of=DAY + datetime.timedelta(days=1)))
    assert (row.currency, row.total, row.total_company) == ("USD", D("221.55"), D("199.40"))

    # when
    payment = payment_register(
        customer=customer,
        amount=invoice.amount_total,
        payment_date=DAY + datetime.timedelta(days=25),
        applications=[ApplicationInput(invoice=invoice)],
        by=billing,
    )

    # then: 199.40 booked, 210.47 received: a gain of 11.07 clears the receivable
    gain = JournalLine.objects.get(account__role="exchange_difference")
    assert (gain.debit, gain.credit) == (D("0"), D("11.07"))
    assert _receivable_of(customer) == 0
    figures = customer_figures(customer=customer)
    assert (figures["balance"], figures["company_currency"], figures["balance_company_currency"]) == (0, "EUR", 0)
    # when the application is taken back, so is the difference: the money (210.47) is on account again
    payment_application_unapply(application=payment.applications.get(), by=billing)
    assert _receivable_of(customer) == D("199.40") - D("210.47")
    assert customer_figures(customer=customer)["balance_company_currency"] == D("-11.07")
    debit, credit = (
        JournalLine.objects.filter(account__role="exchange_difference").values_list("debit", "credit").order_by("id")[1]
    )
    assert (debit, credit) == (D("11.07"), D("0"))


def test_a_payment_settles_documents_of_its_own_currency_only(clerk, billing, manager):
    from invoicing.services.payments import ApplicationInput, payment_register

    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.90"), by=manager)
    invoice = invoice_post(invoice=_usd_draft(clerk), invoice_date=DAY, by=billing)
    euro_customer_payment = dict(customer=invoice.customer, amount=D("10.00"), payment_date=DAY, by=billing)
    invoice.customer.currency = "EUR"
    invoice.customer.save(update_fields=["currency"])

    with pytest.raises(ValidationFailed) as refused:
        payment_register(applications=[ApplicationInput(invoice=invoice)], **euro_customer_payment)

    assert refused.value.field_errors == {
        "applications[0].invoice": f"{invoice.number} is in USD: it is settled in its own currency, not in EUR."
    }
    assert Payment.objects.count() == 0


def test_a_payment_in_the_documents_currency_settles_it_for_a_customer_of_another(clerk, billing, manager):
    from invoicing.services.payments import ApplicationInput, payment_register

    # given: a customer keeping EUR with an invoice in USD (booked at 0.90)
    exchange_rate_set(currency="USD", valid_from=DAY, rate=D("0.90"), by=manager)
    invoice = invoice_post(invoice=_usd_draft(clerk), invoice_date=DAY, by=billing)
    invoice.customer.currency = "EUR"
    invoice.customer.save(update_fields=["currency"])

    # when: paid in USD on the day the rate was set
    payment = payment_register(
        customer=invoice.customer,
        amount=invoice.amount_total,
        currency="USD",
        payment_date=DAY,
        applications=[ApplicationInput(invoice=invoice)],
        by=billing,
    )

    # then: paid, the journal booked in EUR at the same rate, so no exchange difference
    invoice.refresh_from_db()
    assert (payment.currency, invoice.payment_state, invoice.amount_paid) == ("USD", "paid", D("221.55"))
    entry = JournalEntry.objects.get(payment=payment)
    assert (entry.currency, entry.exchange_rate) == ("USD", D("0.90"))
    assert _receivable_of(invoice.customer) == 0


def test_an_unknown_payment_currency_is_refused_naming_the_field(billing):
    from invoicing.services.payments import payment_register

    with pytest.raises(ValidationFailed) as refused:
        payment_register(customer=make_customer(), amount=D("5"), currency="XYZ", by=billing)

    assert refused.value.field_errors == {"currency": "Unknown currency 'XYZ'."}
    assert Payment.objects.count() == 0
