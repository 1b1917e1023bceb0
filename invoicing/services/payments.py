from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.money import ZERO, round_money
from core.numbering import number_take
from invoicing.choices import AccountRole, InvoiceState, PaymentMethod
from invoicing.errors import ErrorCode
from invoicing.lock_objects import lock_invoices, lock_payment
from invoicing.models import Invoice, Payment, PaymentApplication
from invoicing.selectors.customer_accounts import customer_balance
from invoicing.services.invoices import invoice_payment_refresh
from invoicing.services.ledger import Posting, booking_date_error, journal_entry_post, posting_accounts
from salesapp.models import Customer
from salesapp.selectors.credit import customer_released_uninvoiced
from salesapp.services.orders import orders_release_prepaid

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class ApplicationInput:
    """``amount`` None: as much as fits, i.e. what the payment has left to apply, up to what the invoice has open."""

    invoice: Invoice
    amount: Decimal | None = None


def _duplicate_errors(applications: list[ApplicationInput]) -> dict[str, str]:
    errors, seen = {}, set()
    for index, application in enumerate(applications):
        if application.invoice.pk in seen:
            errors[f"applications[{index}].invoice"] = gettext(
                "%(invoice)s is already applied above: apply each invoice once."
            ) % {"invoice": application.invoice}
        seen.add(application.invoice.pk)
    return errors


@transaction.atomic
def payment_register(
    *,
    customer: Customer,
    amount: Decimal,
    payment_date: datetime.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    applications: list[ApplicationInput] | None = None,
    by: User,
) -> Payment:
    """Record money received: debit bank, credit the customer's receivable; then apply it to invoices.
    What is not applied stays on the customer's account."""
    amount = round_money(Decimal(amount))
    errors = {}
    if amount <= 0:
        errors["amount"] = gettext("A payment amount must be greater than zero.")
    if method not in PaymentMethod.values:
        errors["method"] = gettext("Unknown payment method '%(method)s'.") % {"method": method}
    date_error = booking_date_error(payment_date)
    if date_error:
        errors["payment_date"] = date_error
    errors |= _duplicate_errors(applications or [])
    if errors:
        raise ValidationFailed(code=ErrorCode.PAYMENT_INVALID, field_errors=errors)
    payment = Payment.objects.create(
        number=number_take(code="payment"),
        customer=customer,
        amount=amount,
        currency=customer.currency,
        payment_date=payment_date or timezone.localdate(),
        method=method,
        reference=reference,
        created_by=by,
    )
    accounts = posting_accounts(roles=[AccountRole.BANK, AccountRole.RECEIVABLE])
    journal_entry_post(
        entry_date=payment.payment_date,
        description=f"Payment {payment.number} {customer.party.name}",
        currency=payment.currency,
        payment=payment,
        postings=[
            Posting(account_id=accounts.role(AccountRole.BANK), debit=amount, description=reference),
            Posting(
                account_id=accounts.role(AccountRole.RECEIVABLE),
                credit=amount,
                description=f"Payment {payment.number}",
                customer_id=customer.pk,
            ),
        ],
    )
    if applications:
        payment = payment_apply(payment=payment, applications=applications, by=by)
    if customer.prepayment_required:
        _prepaid_orders_release(customer, by=by)
    return payment


def _prepaid_orders_release(customer: Customer, *, by: User) -> None:
    """Release the customer's orders held until paid that the money now on account covers: what it paid and
    was not billed yet, less what its released orders will still bill. Only held orders are locked here, which
    no invoice posting can take (a held order is not invoiced), so this order-after-invoice lock is safe."""
    received_unbilled = -customer_balance(customer=customer)["balance"]
    available = received_unbilled - customer_released_uninvoiced(customer)
    if available > 0:
        orders_release_prepaid(customer=customer, available=available, by=by)


@transaction.atomic
def payment_apply(*, payment: Payment, applications: list[ApplicationInput], by: User) -> Payment:
    """Settle open invoices of the payment's customer, partially or completely."""
    duplicates = _duplicate_errors(applications)
    if duplicates:
        raise ValidationFailed(code=ErrorCode.PAYMENT_NOT_APPLICABLE, field_errors=duplicates)
    invoices = lock_invoices([a.invoice.pk for a in applications])
    payment = lock_payment(payment.pk)
    errors = {}
    total = ZERO
    amounts: list[Decimal] = []
    for index, application in enumerate(applications):
        invoice = invoices[application.invoice.pk]
        if application.amount is None:
            # As much as fits: what is left of the payment after the applications before, up to what is open.
            amount = max(min(payment.amount_unapplied - total, invoice.amount_open), ZERO)
        else:
            amount = round_money(Decimal(application.amount))
        amounts.append(amount)
        field = f"applications[{index}]"
        if invoice.customer_id != payment.customer_id:
            errors[f"{field}.invoice"] = gettext("%(invoice)s belongs to another customer.") % {"invoice": invoice}
        elif invoice.state != InvoiceState.POSTED:
            errors[f"{field}.invoice"] = gettext("%(invoice)s is not posted: only posted invoices can be paid.") % {
                "invoice": invoice
            }
        elif invoice.is_credit_note:
            errors[f"{field}.invoice"] = gettext(
                "%(invoice)s is a credit note: it is not paid, it lowers what the customer owes on the account."
            ) % {"invoice": invoice}
        elif amount <= 0:
            errors[f"{field}.amount"] = gettext("Amount must be greater than zero.")
        elif amount > invoice.amount_open:
            errors[f"{field}.amount"] = gettext("%(invoice)s has only %(open)s open; %(amount)s applied.") % {
                "invoice": invoice,
                "open": invoice.amount_open,
                "amount": amount,
            }
        total += amount
    if not errors and total > payment.amount_unapplied:
        errors["applications"] = gettext("The payment has only %(unapplied)s left to apply; %(total)s asked.") % {
            "unapplied": payment.amount_unapplied,
            "total": total,
        }
    if errors:
        raise ValidationFailed(code=ErrorCode.PAYMENT_NOT_APPLICABLE, field_errors=errors)
    for application, amount in zip(applications, amounts, strict=True):
        invoice = invoices[application.invoice.pk]
        PaymentApplication.objects.create(payment=payment, invoice=invoice, amount=amount)
        invoice_payment_refresh(invoice=invoice, by=by)
    payment.amount_applied += total
    payment.save(update_fields=["amount_applied", "updated_at"])
    return payment
