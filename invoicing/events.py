"""The business events invoicing records (core.events) and what each one's payload holds (see salesapp.events)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invoicing.models import Invoice, Payment, PaymentApplication

INVOICE_POSTED = "invoice.posted"
CREDIT_NOTE_POSTED = "credit_note.posted"
PAYMENT_APPLIED = "payment.applied"
PAYMENT_UNAPPLIED = "payment.unapplied"

EVENT_TYPES = (INVOICE_POSTED, CREDIT_NOTE_POSTED, PAYMENT_APPLIED, PAYMENT_UNAPPLIED)


def invoice_posted_type(invoice: Invoice) -> str:
    return CREDIT_NOTE_POSTED if invoice.is_credit_note else INVOICE_POSTED


def invoice_data(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "customer": invoice.customer_id,
        "order": invoice.order_id,
        "credited_invoice": invoice.credited_invoice_id,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "amount_net": str(invoice.amount_net),
        "amount_tax": str(invoice.amount_tax),
        "amount_total": str(invoice.amount_total),
    }


def application_data(application: PaymentApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "invoice": application.invoice_id,
        "credit_note": application.credit_note_id,
        "amount": str(application.amount),
    }


def payment_data(payment: Payment | None, applications: list[PaymentApplication]) -> dict[str, Any]:
    return {
        "payment": payment
        and {
            "id": payment.pk,
            "number": payment.number,
            "customer": payment.customer_id,
            "currency": payment.currency,
            "amount": str(payment.amount),
            "amount_applied": str(payment.amount_applied),
        },
        "applications": [application_data(application) for application in applications],
    }
