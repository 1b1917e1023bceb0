import datetime
from decimal import Decimal

from django.utils import timezone

from invoicing.selectors.customer_accounts import customer_balance
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import draft_invoice, posted_invoice
from tests.factories.salesapp import make_customer

D = Decimal


def test_balance_overdue_and_sales_of_a_customer(clerk, billing):
    # given: terms 14 days; posted 121.00 (overdue, 50.00 paid) and 60.50 (current), a draft of 121.00,
    # 10.00 received on account, and another customer's invoice
    customer = make_customer(payment_terms_days=14)
    old = posted_invoice(
        by=clerk,
        post_by=billing,
        customer=customer,
        invoice_date=timezone.localdate() - datetime.timedelta(days=30),
        store_pdf=False,
    )
    posted_invoice(by=clerk, post_by=billing, customer=customer, price="50.00", store_pdf=False)
    draft_invoice(by=clerk, customer=customer)
    payment_register(customer=customer, amount=D("50.00"), applications=[ApplicationInput(old)], by=billing)
    payment_register(customer=customer, amount=D("10.00"), by=billing)
    posted_invoice(by=clerk, post_by=billing, store_pdf=False)

    # when
    figures = customer_balance(customer=customer)

    # then
    # invoiced = 121.00 + 60.50 = 181.50 (the draft does not count)
    # received = 50.00 + 10.00 = 60.00 (unapplied money lowers the balance too)
    # balance  = 181.50 − 60.00 = 121.50
    # overdue  = 121.00 − 50.00 = 71.00 (only the old invoice is past its due date)
    # sales    = 100.00 + 50.00 = 150.00 (net of tax)
    assert figures == {
        "balance": D("121.50"),
        "overdue": D("71.00"),
        "total_sales": D("150.00"),
        "invoiced": D("181.50"),
        "received": D("60.00"),
    }


def test_a_customer_without_invoices_or_payments_is_all_zero(db):
    # given
    customer = make_customer()

    # when
    figures = customer_balance(customer=customer)

    # then
    assert figures == {
        "balance": D("0"),
        "overdue": D("0"),
        "total_sales": D("0"),
        "invoiced": D("0"),
        "received": D("0"),
    }


def test_money_received_before_any_invoice_is_a_negative_balance(billing):
    # given
    customer = make_customer()
    payment_register(customer=customer, amount=D("25.00"), by=billing)

    # when
    figures = customer_balance(customer=customer)

    # then: 0.00 invoiced − 25.00 received
    assert (figures["balance"], figures["received"], figures["overdue"]) == (D("-25.00"), D("25.00"), D("0"))


def test_the_balance_takes_a_fixed_number_of_queries(clerk, billing, django_assert_num_queries):
    # given
    customer = make_customer()
    for _ in range(3):
        posted_invoice(by=clerk, post_by=billing, customer=customer, store_pdf=False)

    # when
    with django_assert_num_queries(4):
        figures = customer_balance(customer=customer)

    # then: 3 × 121.00
    assert figures["invoiced"] == D("363.00")
