"""One payment across invoices and credit notes, set-offs, refunds, un-applying and the application proposal."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django_fsm_log.models import StateLog

from core.errors import DomainError, ValidationFailed
from invoicing.models import Invoice, JournalLine, Payment, PaymentApplication
from invoicing.selectors.customer_accounts import customer_balance
from invoicing.selectors.payments import payment_proposal
from invoicing.services.payments import (
    ApplicationInput,
    credit_note_set_off,
    payment_application_unapply,
    payment_apply,
    payment_register,
)
from tests.factories.invoicing import posted_credit_note, posted_invoice
from tests.factories.salesapp import make_customer

D = Decimal
TODAY = datetime.date.today()


def _states(*documents):
    return [
        (d.payment_state, d.amount_paid, d.amount_open)
        for d in Invoice.objects.filter(pk__in=[d.pk for d in documents]).order_by("pk")
    ]


def _journal_balanced() -> bool:
    sums = JournalLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return sums["debit"] == sums["credit"]


@pytest.fixture
def documents(clerk, billing):
    """Invoices A and B of 121.00 each (A older) and a credit note of −121.00 returning B's order: one customer."""
    customer = make_customer(credit_limit=D("10000"))
    invoice_a = posted_invoice(
        by=clerk, post_by=billing, customer=customer, invoice_date=TODAY - datetime.timedelta(days=40)
    )
    invoice_b = posted_invoice(
        by=clerk, post_by=billing, customer=customer, invoice_date=TODAY - datetime.timedelta(days=10)
    )
    credit = posted_credit_note(invoice=invoice_b, by=clerk, post_by=billing)
    return customer, invoice_a, invoice_b, credit


def test_one_payment_over_two_invoices_and_a_credit_note_then_a_set_off(documents, billing):
    customer, invoice_a, invoice_b, credit = documents

    # when: 150.00 arrives for A in full and B in part, the credit note taken in for 30.25
    payment = payment_register(
        customer=customer,
        amount=D("150"),
        applications=[
            ApplicationInput(credit, D("30.25")),
            ApplicationInput(invoice_a, D("121.00")),
            ApplicationInput(invoice_b),  # as much as fits: 150 + 30.25 − 121 = 59.25
        ],
        by=billing,
    )

    # then: the payment is used up; A paid, B 59.25 of 121, the credit note settled for 30.25 of 121
    assert (payment.amount_applied, payment.amount_unapplied) == (D("150.00"), D("0.00"))
    assert _states(invoice_a, invoice_b, credit) == [
        ("paid", D("121.00"), D("0.00")),
        ("partially_paid", D("59.25"), D("61.75")),
        ("partially_paid", D("-30.25"), D("-90.75")),
    ]

    # when: the rest of the credit note is set off against B (no money moves)
    journal_lines = JournalLine.objects.count()
    credit_note_set_off(credit_note=credit, applications=[ApplicationInput(invoice_b)], by=billing)

    # then: B has 61.75 of the 90.75 credit: paid; the credit note keeps 29.00 open
    assert _states(invoice_a, invoice_b, credit) == [
        ("paid", D("121.00"), D("0.00")),
        ("paid", D("121.00"), D("0.00")),
        ("partially_paid", D("-92.00"), D("-29.00")),
    ]
    assert JournalLine.objects.count() == journal_lines
    # 121 + 121 − 121 invoiced, 150 received: the customer has 29.00 of credit left.
    assert customer_balance(customer=customer)["balance"] == D("-29.00")
    assert _journal_balanced()


def test_unapply_restores_states_and_keeps_the_row(documents, billing):
    customer, invoice_a, invoice_b, credit = documents
    payment = payment_register(
        customer=customer,
        amount=D("200"),
        applications=[ApplicationInput(invoice_a), ApplicationInput(invoice_b)],
        by=billing,
    )
    credit_note_set_off(credit_note=credit, applications=[ApplicationInput(invoice_b, D("42.00"))], by=billing)
    assert _states(invoice_b)[0][0] == "paid"  # 79.00 paid + 42.00 set off

    # when: the payment's application to A and the set-off are taken back
    on_a = payment.applications.get(invoice=invoice_a)
    set_off = PaymentApplication.objects.get(credit_note=credit)
    payment_application_unapply(application=on_a, by=billing)
    payment_application_unapply(application=set_off, by=billing)

    # then
    assert _states(invoice_a, invoice_b, credit) == [
        ("unpaid", D("0.00"), D("121.00")),
        ("partially_paid", D("79.00"), D("42.00")),
        ("unpaid", D("0.00"), D("-121.00")),
    ]
    payment.refresh_from_db()
    assert (payment.amount_applied, payment.amount_unapplied) == (D("79.00"), D("121.00"))
    on_a.refresh_from_db()
    assert (on_a.unapplied_by, on_a.unapplied_at is not None, on_a.amount) == (billing, True, D("121.00"))
    assert PaymentApplication.objects.count() == 3  # nothing deleted
    assert list(StateLog.objects.for_(invoice_a).order_by("pk").values_list("transition", "by")) == [
        ("post", billing.pk),
        ("pay_fully", billing.pk),
        ("pay_none", billing.pk),
    ]
    assert customer_balance(customer=customer)["balance"] == D("-79.00")  # 121 + 121 − 121 − 200


def test_unapply_twice_is_refused_and_changes_nothing(documents, billing):
    customer, invoice_a, _b, _credit = documents
    payment = payment_register(
        customer=customer, amount=D("50"), applications=[ApplicationInput(invoice_a)], by=billing
    )
    application = payment.applications.get()
    payment_application_unapply(application=application, by=billing)
    before = _states(invoice_a), Payment.objects.values_list("amount_applied", flat=True).get(pk=payment.pk)

    with pytest.raises(DomainError) as refused:
        payment_application_unapply(application=application, by=billing)

    assert refused.value.code == "application-not-unappliable"
    assert (_states(invoice_a), Payment.objects.values_list("amount_applied", flat=True).get(pk=payment.pk)) == before


def test_a_refund_settles_a_credit_note_and_posts_bank_credit_receivable_debit(documents, billing):
    customer, _a, _b, credit = documents

    refund = payment_register(
        customer=customer,
        amount=D("121"),
        direction="refund",
        applications=[ApplicationInput(credit)],
        by=billing,
    )

    assert _states(credit) == [("paid", D("-121.00"), D("0.00"))]
    postings = sorted((p.account.number, p.debit, p.credit) for p in JournalLine.objects.filter(entry__payment=refund))
    assert postings == [("1100", D("0.00"), D("121.00")), ("1300", D("121.00"), D("0.00"))]
    # 121 + 121 − 121 invoiced, nothing received net of the 121 paid back: both invoices are owed.
    assert customer_balance(customer=customer)["balance"] == D("242.00")
    assert _journal_balanced()


def test_a_refund_does_not_settle_an_invoice(documents, billing):
    customer, invoice_a, _b, _credit = documents

    with pytest.raises(ValidationFailed) as refused:
        payment_register(
            customer=customer,
            amount=D("10"),
            direction="refund",
            applications=[ApplicationInput(invoice_a)],
            by=billing,
        )

    assert refused.value.field_errors == {
        "applications[0].invoice": f"{invoice_a.number} is an invoice: a refund pays out credit notes only."
    }
    assert not Payment.objects.exists()


def test_set_off_cannot_exceed_the_credit(documents, billing):
    _customer, invoice_a, invoice_b, credit = documents

    with pytest.raises(ValidationFailed) as refused:
        credit_note_set_off(
            credit_note=credit,
            applications=[ApplicationInput(invoice_a, D("100")), ApplicationInput(invoice_b, D("30"))],
            by=billing,
        )

    assert refused.value.field_errors == {
        "applications": f"{credit.number} has only 121.00 left to set off; 130.00 asked."
    }
    assert not PaymentApplication.objects.exists()
    assert _states(invoice_a, invoice_b, credit)[2] == ("unpaid", D("0.00"), D("-121.00"))


def test_proposal_names_the_referenced_invoice_first_then_oldest_due(clerk, billing):
    customer = make_customer()
    oldest = posted_invoice(
        by=clerk, post_by=billing, customer=customer, invoice_date=TODAY - datetime.timedelta(days=60)
    )
    middle = posted_invoice(
        by=clerk, post_by=billing, customer=customer, invoice_date=TODAY - datetime.timedelta(days=30)
    )
    newest = posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=TODAY)
    payment = payment_register(
        customer=customer, amount=D("200"), reference=f"pay {newest.number.lower()} thx", by=billing
    )

    proposal = payment_proposal(payment=payment)

    # 200 = 121 for the named one, 79 of the oldest; the middle one gets nothing.
    assert [(p.invoice.pk, p.amount) for p in proposal] == [(newest.pk, D("121.00")), (oldest.pk, D("79.00"))]
    assert middle.pk not in [p.invoice.pk for p in proposal]

    # when the clerk confirms it
    payment_apply(payment=payment, applications=[ApplicationInput(p.invoice, p.amount) for p in proposal], by=billing)
    assert payment_proposal(payment=Payment.objects.get(pk=payment.pk)) == []
