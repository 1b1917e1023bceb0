import datetime
from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog

from core.errors import ValidationFailed
from invoicing.models import JournalLine, Payment
from invoicing.selectors.customer_accounts import customer_balance
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_apply, payment_register
from salesapp.services.orders import order_confirm
from tests.factories.invoicing import posted_invoice
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


@pytest.fixture
def customer(db):
    return make_customer()


def test_partial_then_full_payment(customer, clerk, billing):
    # given: an invoice of 121.00
    invoice = posted_invoice(by=clerk, post_by=billing, customer=customer)
    assert (invoice.amount_total, invoice.payment_state) == (D("121.00"), "unpaid")

    # when: 50 arrives, then 71
    payment_register(customer=customer, amount=D("50"), applications=[ApplicationInput(invoice, D("50"))], by=billing)
    invoice.refresh_from_db()
    assert (invoice.payment_state, invoice.amount_paid, invoice.amount_open) == (
        "partially_paid",
        D("50.00"),
        D("71.00"),
    )
    payment_register(customer=customer, amount=D("71"), applications=[ApplicationInput(invoice, D("71"))], by=billing)

    # then
    invoice.refresh_from_db()
    assert (invoice.payment_state, invoice.amount_open) == ("paid", D("0.00"))
    assert list(StateLog.objects.for_(invoice).order_by("pk").values_list("transition", flat=True)) == [
        "post",
        "pay_partially",
        "pay_fully",
    ]
    assert customer_balance(customer=customer)["balance"] == D("0.00")


def test_payment_posts_bank_against_receivable(customer, billing):
    payment = payment_register(customer=customer, amount=D("30.5"), reference="Bank 4711", by=billing)
    postings = sorted((p.account.number, p.debit, p.credit) for p in JournalLine.objects.filter(entry__payment=payment))
    assert postings == [("1100", D("30.50"), D("0.00")), ("1300", D("0.00"), D("30.50"))]
    assert (payment.amount_unapplied, payment.number.startswith("PAY-")) == (D("30.50"), True)


def test_unapplied_money_stays_on_account_and_lowers_the_balance(customer, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing, customer=customer)
    payment = payment_register(
        customer=customer, amount=D("200"), applications=[ApplicationInput(invoice, D("121"))], by=billing
    )
    assert payment.amount_unapplied == D("79.00")
    assert customer_balance(customer=customer)["balance"] == D("-79.00")


def test_cannot_apply_more_than_open(customer, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing, customer=customer)
    with pytest.raises(ValidationFailed) as refused:
        payment_register(
            customer=customer, amount=D("500"), applications=[ApplicationInput(invoice, D("130"))], by=billing
        )
    assert refused.value.field_errors == {
        "applications[0].amount": f"{invoice.number} has only 121.00 open; 130.00 applied."
    }
    assert not Payment.objects.exists()  # the whole registration rolled back
    invoice.refresh_from_db()
    assert invoice.payment_state == "unpaid"


def test_cannot_apply_more_than_the_payment_has_left(customer, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing, customer=customer)
    payment = payment_register(customer=customer, amount=D("20"), by=billing)
    with pytest.raises(ValidationFailed, match="The payment has only 20.00 left to apply; 21.00 asked."):
        payment_apply(payment=payment, applications=[ApplicationInput(invoice, D("21"))], by=billing)


def test_cannot_pay_another_customers_or_a_draft_invoice(customer, clerk, billing):
    other_invoice = posted_invoice(by=clerk, post_by=billing, customer=make_customer())
    order = order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)
    draft = invoice_create_from_order(order=order, basis="order", by=clerk)
    payment = payment_register(customer=customer, amount=D("10"), by=billing)
    with pytest.raises(ValidationFailed) as refused:
        payment_apply(
            payment=payment,
            applications=[ApplicationInput(other_invoice, D("1")), ApplicationInput(draft, D("1"))],
            by=billing,
        )
    assert refused.value.field_errors == {
        "applications[0].invoice": f"{other_invoice} belongs to another customer.",
        "applications[1].invoice": f"{draft} is not posted: only posted invoices can be paid.",
    }


def test_amount_must_be_positive(customer, billing):
    with pytest.raises(ValidationFailed) as refused:
        payment_register(customer=customer, amount=D("0"), by=billing)
    assert list(refused.value.field_errors) == ["amount"]


def test_overdue_and_total_sales(customer, clerk, billing):
    import datetime

    posted_invoice(by=clerk, post_by=billing, customer=customer)
    old = invoice_post(
        invoice=invoice_create_from_order(
            order=order_confirm(
                order=make_order(customer=customer, lines=[(ItemFactory(unit_price=D("10")), "1")], by=clerk), by=clerk
            ),
            basis="order",
            by=clerk,
        ),
        invoice_date=datetime.date(2020, 1, 1),
        by=billing,
    )
    figures = customer_balance(customer=customer)
    assert (figures["balance"], figures["overdue"], figures["total_sales"]) == (
        D("133.10"),
        old.amount_total,
        D("110.00"),
    )


def test_an_invoice_twice_in_one_payment_is_refused_and_nothing_saved(customer, clerk, billing):
    # given
    invoice = posted_invoice(by=clerk, post_by=billing, customer=customer)
    journal_lines = JournalLine.objects.count()

    # when
    with pytest.raises(ValidationFailed) as refused:
        payment_register(
            customer=customer,
            amount=D("30"),
            applications=[ApplicationInput(invoice, D("10")), ApplicationInput(invoice, D("20"))],
            by=billing,
        )

    # then
    assert refused.value.code == "payment-invalid"
    assert refused.value.field_errors == {
        "applications[1].invoice": f"{invoice.number} is already applied above: apply each invoice once."
    }
    invoice.refresh_from_db()
    assert (Payment.objects.count(), JournalLine.objects.count(), invoice.amount_paid) == (0, journal_lines, D("0.00"))


def test_an_application_without_amount_applies_the_payment_up_to_what_is_open(customer, clerk, billing):
    # given: invoices of 121.00 and 60.50
    first = posted_invoice(by=clerk, post_by=billing, customer=customer)
    second = posted_invoice(by=clerk, post_by=billing, customer=customer, price="50.00")

    # when: 150.00 arrives for both, no amounts given
    payment = payment_register(
        customer=customer, amount=D("150"), applications=[ApplicationInput(first), ApplicationInput(second)], by=billing
    )

    # then: 121.00 settles the first, the 29.00 left goes to the second
    first.refresh_from_db()
    second.refresh_from_db()
    assert (payment.amount_applied, payment.amount_unapplied) == (D("150.00"), D("0.00"))
    assert [(a.invoice_id, a.amount) for a in payment.applications.order_by("pk")] == [
        (first.pk, D("121.00")),
        (second.pk, D("29.00")),
    ]
    assert (first.payment_state, second.payment_state, second.amount_open) == ("paid", "partially_paid", D("31.50"))


@pytest.mark.parametrize(
    "payment_date",
    [datetime.date(1, 1, 1), datetime.date(1999, 12, 31), datetime.date(2100, 1, 1), datetime.date(9999, 12, 31)],
)
def test_a_payment_date_outside_the_booking_window_is_refused(customer, billing, payment_date):
    # when
    with pytest.raises(ValidationFailed) as refused:
        payment_register(customer=customer, amount=D("10"), payment_date=payment_date, by=billing)

    # then
    assert refused.value.field_errors == {"payment_date": "Enter a date between 2000-01-01 and 2099-12-31."}
    assert (Payment.objects.count(), JournalLine.objects.count()) == (0, 0)


def test_the_edges_of_the_booking_window_are_accepted(customer, billing):
    # when
    payments = [
        payment_register(customer=customer, amount=D("10"), payment_date=date, by=billing)
        for date in (datetime.date(2000, 1, 1), datetime.date(2099, 12, 31))
    ]

    # then
    assert [p.payment_date for p in payments] == [datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)]
