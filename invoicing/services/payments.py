from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import DomainError, ValidationFailed
from core.events import event_record
from core.money import ZERO, round_money
from core.numbering import number_take
from invoicing import events
from invoicing.choices import AccountRole, CreditKind, InvoiceState, PaymentDirection, PaymentMethod
from invoicing.errors import ErrorCode
from invoicing.lock_objects import lock_invoices, lock_payment
from invoicing.models import Invoice, Payment, PaymentApplication
from invoicing.selectors.customer_accounts import customer_balance
from invoicing.services.exchange_differences import exchange_difference_post
from invoicing.services.invoices import invoice_payment_refresh
from invoicing.services.ledger import Posting, booking_date_error, journal_entry_post, posting_accounts
from salesapp.choices import Currency
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


def _reference_errors(customer: Customer, payment_date: datetime.date, direction: str, reference: str) -> dict:
    """A reference names one payment of a customer on a day (the database guards it too): the same bank line
    registered again is refused, naming the payment that has it."""
    taken = (
        Payment.objects.filter(customer=customer, payment_date=payment_date, direction=direction, reference=reference)
        .values_list("number", flat=True)
        .first()
    )
    if taken is None:
        return {}
    return {
        "reference": gettext("Payment %(number)s of this customer on %(date)s already has reference %(reference)s.")
        % {"number": taken, "date": payment_date.isoformat(), "reference": reference}
    }


@transaction.atomic
def payment_register(
    *,
    customer: Customer,
    amount: Decimal,
    payment_date: datetime.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    direction: str = PaymentDirection.RECEIPT,
    currency: str | None = None,
    applications: list[ApplicationInput] | None = None,
    by: User,
) -> Payment:
    """Record money received (debit bank, credit the customer's receivable) or, for a refund, paid back (credit
    bank, debit the receivable); then apply it to invoices and credit notes. What is not applied stays on the
    customer's account.

    The payment is in ``currency`` (the customer's when not given): a document is settled in its own currency,
    so an invoice in another currency than the customer's is paid by a payment in that currency. The journal
    books it in the company currency at the day's rate."""
    amount = round_money(Decimal(amount))
    errors = {}
    if amount <= 0:
        errors["amount"] = gettext("A payment amount must be greater than zero.")
    if direction not in PaymentDirection.values:
        errors["direction"] = gettext("Unknown payment direction '%(direction)s'.") % {"direction": direction}
    if method not in PaymentMethod.values:
        errors["method"] = gettext("Unknown payment method '%(method)s'.") % {"method": method}
    currency = currency or customer.currency
    if currency not in Currency.values:
        errors["currency"] = gettext("Unknown currency '%(currency)s'.") % {"currency": currency}
    date_error = booking_date_error(payment_date)
    if date_error:
        errors["payment_date"] = date_error
    errors |= _duplicate_errors(applications or [])
    if reference and "payment_date" not in errors:
        errors |= _reference_errors(customer, payment_date or timezone.localdate(), direction, reference)
    if errors:
        raise ValidationFailed(code=ErrorCode.PAYMENT_INVALID, field_errors=errors)
    payment = Payment.objects.create(
        number=number_take(code="payment"),
        customer=customer,
        amount=amount,
        currency=currency,
        payment_date=payment_date or timezone.localdate(),
        method=method,
        reference=reference,
        direction=direction,
        created_by=by,
    )
    accounts = posting_accounts(roles=[AccountRole.BANK, AccountRole.RECEIVABLE])
    # Money in: bank up, receivable down. A refund is money out: the same postings, sides reversed.
    inflow = -amount if payment.is_refund else amount
    document = "Refund" if payment.is_refund else "Payment"
    journal_entry_post(
        entry_date=payment.payment_date,
        description=f"{document} {payment.number} {customer.party.name}",
        currency=payment.currency,
        payment=payment,
        postings=[
            Posting.signed(account_id=accounts.role(AccountRole.BANK), amount=inflow, description=reference),
            Posting.signed(
                account_id=accounts.role(AccountRole.RECEIVABLE),
                amount=-inflow,
                description=f"{document} {payment.number}",
                customer_id=customer.pk,
            ),
        ],
    )
    if applications:
        payment = payment_apply(payment=payment, applications=applications, by=by)
    # Orders held for prepayment wait for money in the customer's currency: their balance is kept in it.
    if customer.prepayment_required and not payment.is_refund and payment.currency == customer.currency:
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


def _payment_effect(payment: Payment, document: Invoice) -> int:
    """How settling ``document`` uses the payment: +1 uses it up (a receipt paying an invoice, a refund paying
    out a credit note), -1 frees some (a credit note taken into a receipt: the customer pays the invoices less
    the credit), 0 not applicable (a refund to an invoice)."""
    if payment.is_refund:
        return 1 if document.is_credit_note else 0
    return -1 if document.is_credit_note else 1


def _document_error(document: Invoice, customer_id: int) -> str | None:
    if document.customer_id != customer_id:
        return gettext("%(invoice)s belongs to another customer.") % {"invoice": document}
    if document.state != InvoiceState.POSTED:
        return gettext("%(invoice)s is not posted: only posted invoices can be paid.") % {"invoice": document}
    if document.credit_kind == CreditKind.CANCELLATION:
        return gettext("%(invoice)s cancels invoice %(canceled)s: there is nothing to settle.") % {
            "invoice": document,
            "canceled": document.credited_invoice.number if document.credited_invoice_id else "",
        }
    return None


def _currency_error(document: Invoice, currency: str) -> str:
    return gettext("%(invoice)s is in %(document)s: it is settled in its own currency, not in %(currency)s.") % {
        "invoice": document,
        "document": document.currency,
        "currency": currency,
    }


@transaction.atomic
def payment_apply(*, payment: Payment, applications: list[ApplicationInput], by: User) -> Payment:
    """Settle open invoices and credit notes of the payment's customer, partially or completely. Amounts are
    entered as positive figures; a credit note taken into a receipt adds to what the receipt can settle, a
    refund settles credit notes only."""
    duplicates = _duplicate_errors(applications)
    if duplicates:
        raise ValidationFailed(code=ErrorCode.PAYMENT_NOT_APPLICABLE, field_errors=duplicates)
    documents = lock_invoices([a.invoice.pk for a in applications])
    payment = lock_payment(payment.pk)
    errors = {}
    used = ZERO  # of the payment, by the applications so far (credit notes in a receipt free some)
    amounts: list[Decimal] = []
    for index, application in enumerate(applications):
        document = documents[application.invoice.pk]
        effect = _payment_effect(payment, document)
        open_amount = abs(document.amount_open)
        if application.amount is None:
            # As much as fits: all of a credit note taken into a receipt; otherwise what is left of the payment
            # after the applications before, up to what is open.
            fits = open_amount if effect < 0 else min(payment.amount_unapplied - used, open_amount)
            amount = max(fits, ZERO)
        else:
            amount = round_money(Decimal(application.amount))
        amounts.append(amount)
        field = f"applications[{index}]"
        document_error = _document_error(document, payment.customer_id)
        if document_error:
            errors[f"{field}.invoice"] = document_error
        elif document.currency != payment.currency:
            errors[f"{field}.invoice"] = _currency_error(document, payment.currency)
        elif effect == 0:
            errors[f"{field}.invoice"] = gettext("%(invoice)s is an invoice: a refund pays out credit notes only.") % {
                "invoice": document
            }
        elif amount <= 0:
            errors[f"{field}.amount"] = gettext("Amount must be greater than zero.")
        elif amount > open_amount:
            errors[f"{field}.amount"] = gettext("%(invoice)s has only %(open)s open; %(amount)s applied.") % {
                "invoice": document,
                "open": open_amount,
                "amount": amount,
            }
        used += effect * amount
    if not errors and used > payment.amount_unapplied:
        errors["applications"] = gettext("The payment has only %(unapplied)s left to apply; %(total)s asked.") % {
            "unapplied": payment.amount_unapplied,
            "total": used,
        }
    if not errors and payment.amount_applied + used < 0:
        errors["applications"] = gettext(
            "The credit notes applied exceed the invoices they settle by %(excess)s: apply them to invoices, "
            "or pay them out with a refund."
        ) % {"excess": -(payment.amount_applied + used)}
    if errors:
        raise ValidationFailed(code=ErrorCode.PAYMENT_NOT_APPLICABLE, field_errors=errors)
    recorded: list[PaymentApplication] = []
    for application, amount in zip(applications, amounts, strict=True):
        document = documents[application.invoice.pk]
        # Stored with the document's sign (negative on a credit note): see PaymentApplication.
        signed = -amount if document.is_credit_note else amount
        applied = PaymentApplication.objects.create(payment=payment, invoice=document, amount=signed, applied_by=by)
        recorded.append(applied)
        exchange_difference_post(application=applied)
        invoice_payment_refresh(invoice=document, by=by)
    payment.amount_applied += used
    payment.save(update_fields=["amount_applied", "updated_at"])
    event_record(type=events.PAYMENT_APPLIED, subject=payment, by=by, data=events.payment_data(payment, recorded))
    return payment


@transaction.atomic
def credit_note_set_off(*, credit_note: Invoice, applications: list[ApplicationInput], by: User) -> Invoice:
    """Settle open invoices with an open credit note of the same customer: no money moves, so nothing is
    journalled (both sit on the customer's receivable). ``amount`` None: what the credit note has left, up to
    what the invoice has open."""
    duplicates = _duplicate_errors(applications)
    if duplicates:
        raise ValidationFailed(code=ErrorCode.SET_OFF_INVALID, field_errors=duplicates)
    documents = lock_invoices([credit_note.pk, *(a.invoice.pk for a in applications)])
    credit_note = documents[credit_note.pk]
    refusal = _document_error(credit_note, credit_note.customer_id)
    if refusal or not credit_note.is_credit_note:
        raise ValidationFailed(
            code=ErrorCode.SET_OFF_INVALID,
            field_errors={
                "credit_note": refusal or gettext("%(invoice)s is not a credit note.") % {"invoice": credit_note}
            },
        )
    credit_left = abs(credit_note.amount_open)
    errors, amounts, total = {}, [], ZERO
    for index, application in enumerate(applications):
        invoice = documents[application.invoice.pk]
        if application.amount is None:
            amount = max(min(credit_left - total, invoice.amount_open), ZERO)
        else:
            amount = round_money(Decimal(application.amount))
        amounts.append(amount)
        field = f"applications[{index}]"
        document_error = _document_error(invoice, credit_note.customer_id)
        if document_error:
            errors[f"{field}.invoice"] = document_error
        elif invoice.currency != credit_note.currency:
            errors[f"{field}.invoice"] = _currency_error(invoice, credit_note.currency)
        elif invoice.is_credit_note:
            errors[f"{field}.invoice"] = gettext("%(invoice)s is a credit note: set it off against an invoice.") % {
                "invoice": invoice
            }
        elif amount <= 0:
            errors[f"{field}.amount"] = gettext("Amount must be greater than zero.")
        elif amount > invoice.amount_open:
            errors[f"{field}.amount"] = gettext("%(invoice)s has only %(open)s open; %(amount)s applied.") % {
                "invoice": invoice,
                "open": invoice.amount_open,
                "amount": amount,
            }
        total += amount
    if not errors and total > credit_left:
        errors["applications"] = gettext("%(credit)s has only %(left)s left to set off; %(total)s asked.") % {
            "credit": credit_note,
            "left": credit_left,
            "total": total,
        }
    if errors:
        raise ValidationFailed(code=ErrorCode.SET_OFF_INVALID, field_errors=errors)
    for application, amount in zip(applications, amounts, strict=True):
        invoice = documents[application.invoice.pk]
        applied = PaymentApplication.objects.create(
            credit_note=credit_note, invoice=invoice, amount=amount, applied_by=by
        )
        exchange_difference_post(application=applied)
        invoice_payment_refresh(invoice=invoice, by=by)
    return invoice_payment_refresh(invoice=credit_note, by=by)


@transaction.atomic
def payment_application_unapply(*, application: PaymentApplication, by: User) -> PaymentApplication:
    """Take back an application (of a payment or a set-off): the row stays, stamped with who and when; the
    documents' payment states are derived again and the payment's money is back on account."""
    application = PaymentApplication.objects.get(pk=application.pk)
    documents = lock_invoices(
        [application.invoice_id, *([application.credit_note_id] if application.credit_note_id else [])]
    )
    payment = lock_payment(application.payment_id) if application.payment_id else None
    application = PaymentApplication.objects.select_for_update().get(pk=application.pk)
    if application.unapplied_at is not None:
        raise DomainError(
            code=ErrorCode.APPLICATION_NOT_UNAPPLIABLE,
            reason=gettext("This application was already taken back on %(date)s.")
            % {"date": timezone.localtime(application.unapplied_at).date()},
            field="application",
        )
    application.unapplied_at = timezone.now()
    application.unapplied_by = by
    application.save(update_fields=["unapplied_at", "unapplied_by"])
    exchange_difference_post(application=application, taken_back=True)
    for document in documents.values():
        invoice_payment_refresh(invoice=document, by=by)
    if payment is not None:
        document = documents[application.invoice_id]
        payment.amount_applied -= _payment_effect(payment, document) * abs(application.amount)
        payment.save(update_fields=["amount_applied", "updated_at"])
    event_record(
        type=events.PAYMENT_UNAPPLIED,
        subject=payment or documents[application.credit_note_id],
        by=by,
        data=events.payment_data(payment, [application]),
    )
    return application
