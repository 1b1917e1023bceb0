"""Realized exchange differences: a document in a foreign currency went into the ledger at the rate of its
date, the money (or the credit note) that settles it at the rate of its own. What settling leaves on the
customer's receivable in the company currency is moved to the exchange difference account, so a settled
document leaves nothing behind (DESIGN.md §5: postings store the rate they used; these use the stored rates)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from core.money import ZERO, round_money
from invoicing.choices import AccountRole
from invoicing.models import Invoice, JournalEntry, Payment, PaymentApplication
from invoicing.services.ledger import Posting, journal_entry_post, posting_accounts
from salesapp.selectors.pricing import company_currency


def _posted_rate(*, invoice: Invoice | None = None, payment: Payment | None = None) -> Decimal:
    """The rate the document's own entry used (its first: later entries linked to it are differences)."""
    entries = JournalEntry.objects.filter(invoice=invoice) if invoice else JournalEntry.objects.filter(payment=payment)
    return entries.order_by("id").values_list("exchange_rate", flat=True).first()


def exchange_difference_post(*, application: PaymentApplication, taken_back: bool = False) -> JournalEntry | None:
    """Book what ``application`` (a payment's or a set-off's) leaves on the receivable because the settled
    document and what settles it were converted at different rates; ``taken_back`` books the reverse (the
    application is un-applied). Nothing for documents in the company currency, or when the rates agree."""
    document = application.invoice
    if document.currency == company_currency():
        return None
    # What settles it: the payment, or for a set-off the credit note (its amount counted on the invoice).
    settling_rate = (
        _posted_rate(payment=application.payment)
        if application.payment_id
        else _posted_rate(invoice=application.credit_note)
    )
    amount = application.amount  # signed like the document: the document's side of the receivable
    difference = round_money(amount * _posted_rate(invoice=document)) - round_money(amount * settling_rate)
    if taken_back:
        difference = -difference
    if difference == ZERO:
        return None
    accounts = posting_accounts(roles=[AccountRole.RECEIVABLE, AccountRole.EXCHANGE_DIFFERENCE])
    settled_by = application.payment or application.credit_note
    description = f"Exchange difference {document.number} / {settled_by.number}"
    # A positive difference is still owed in the company currency: the receivable is cleared, a loss is booked.
    return journal_entry_post(
        entry_date=timezone.localdate(application.unapplied_at if taken_back else application.applied_at),
        description=description + (" (taken back)" if taken_back else ""),
        currency=company_currency(),
        invoice=document,
        payment=application.payment,
        postings=[
            Posting.signed(
                account_id=accounts.role(AccountRole.RECEIVABLE),
                amount=-difference,
                description=description,
                customer_id=document.customer_id,
            ),
            Posting.signed(
                account_id=accounts.role(AccountRole.EXCHANGE_DIFFERENCE), amount=difference, description=description
            ),
        ],
    )
