"""A customer's statement: what it owed at the start of a period, the documents and payments in it, and what it
owed at the end."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.money import ZERO
from invoicing.choices import PaymentDirection
from invoicing.errors import ErrorCode
from invoicing.models import Payment
from invoicing.selectors.customer_accounts import RECEIVED
from invoicing.selectors.invoices import receivable_documents
from salesapp.models import Customer


@dataclass(frozen=True)
class StatementLine:
    date: datetime.date
    kind: str  # invoice, credit_note, payment, refund
    number: str
    due_date: datetime.date | None
    amount: Decimal  # what it adds to what the customer owes (a payment lowers it)
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    customer: Customer
    date_from: datetime.date
    date_to: datetime.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening


def statement_period_errors(date_from: datetime.date | None, date_to: datetime.date | None) -> dict[str, str]:
    errors = {}
    if date_from is None:
        errors["from"] = gettext("Give the first day of the statement.")
    if date_to is None:
        errors["to"] = gettext("Give the last day of the statement.")
    if date_from and date_to and date_from > date_to:
        errors["to"] = gettext("The last day %(to)s is before the first day %(from)s.") % {
            "to": date_to,
            "from": date_from,
        }
    return errors


def customer_statement(*, customer: Customer, date_from: datetime.date, date_to: datetime.date) -> Statement:
    """Opening balance = posted documents dated before ``date_from`` less money received before it (refunds
    add); then each posted document and payment in the period, by date, with the running balance."""
    errors = statement_period_errors(date_from, date_to)
    if errors:
        raise ValidationFailed(code=ErrorCode.STATEMENT_INVALID, field_errors=errors)
    documents = receivable_documents().filter(customer=customer)
    payments = Payment.objects.filter(customer=customer)
    opening = (documents.filter(invoice_date__lt=date_from).aggregate(total=Sum("amount_total"))["total"] or ZERO) - (
        payments.filter(payment_date__lt=date_from).aggregate(total=Sum(RECEIVED))["total"] or ZERO
    )
    in_period = Q(invoice_date__gte=date_from, invoice_date__lte=date_to)
    entries = [
        (date, 0, number, kind, due_date, amount)
        for date, number, kind, due_date, amount in documents.filter(in_period).values_list(
            "invoice_date", "number", "kind", "due_date", "amount_total"
        )
    ]
    entries += [
        (date, 1, number, direction, None, amount if direction == PaymentDirection.REFUND else -amount)
        for date, number, direction, amount in payments.filter(
            payment_date__gte=date_from, payment_date__lte=date_to
        ).values_list("payment_date", "number", "direction", "amount")
    ]
    lines, balance = [], opening
    for date, _order, number, kind, due_date, amount in sorted(entries, key=lambda e: e[:3]):
        balance += amount
        kind = "payment" if kind == PaymentDirection.RECEIPT else kind
        lines.append(
            StatementLine(date=date, kind=kind, number=number, due_date=due_date, amount=amount, balance=balance)
        )
    return Statement(customer=customer, date_from=date_from, date_to=date_to, opening=opening, lines=lines)
