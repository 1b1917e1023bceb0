"""Emailing invoices and credit notes: the posted document's stored PDF attached to a short message in the
customer's language, through Django's email backend and a job (DESIGN.md §2.3, §5 "Sending"). Each send is one
row that the job sends once (salesapp.services.document_mail), and a sent one is an activity on the customer's
timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from invoicing.choices import InvoiceState
from invoicing.documents import invoice_pdf
from invoicing.errors import ErrorCode
from invoicing.jobs import invoice_email_deliver_job
from invoicing.lock_objects import lock_invoice
from invoicing.models import Invoice, InvoiceEmail
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp.services.document_mail import email_deliver_once, pdf_message, recipient_checked

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEND_PERMISSION = "invoicing.send_invoice"


def invoice_email_refusal(invoice: Invoice) -> str | None:
    """Why ``invoice`` cannot be emailed now, or None: only a posted document is the customer's to keep (a draft
    goes as a pro forma, which is no invoice)."""
    if invoice.state != InvoiceState.POSTED:
        return gettext("%(invoice)s is %(state)s: invoices and credit notes are emailed once they are posted.") % {
            "invoice": invoice,
            "state": invoice.get_state_display().lower(),
        }
    return None


@transaction.atomic
def invoice_email_send(*, invoice: Invoice, by: User, to: str | None = None) -> InvoiceEmail:
    """Queue ``invoice`` (or a credit note) to ``to`` (default: the customer's email); the job is committed
    with the request, or not at all."""
    if not by.has_perm(SEND_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You may not email invoices to customers.")
        )
    invoice = lock_invoice(invoice.pk)
    reason = invoice_email_refusal(invoice)
    if reason:
        raise TransitionRefused(code=ErrorCode.INVOICE_EMAIL_NOT_SENDABLE, reason=reason)
    party = invoice.customer.party
    to = recipient_checked(to, default=party.email, recipient=party.name, code=ErrorCode.INVOICE_EMAIL_NOT_SENDABLE)
    email = InvoiceEmail.objects.create(invoice=invoice, to=to, created_by=by)
    job_enqueue(invoice_email_deliver_job, email_id=email.pk)
    return email


def _message(email: InvoiceEmail) -> EmailMessage:
    invoice = email.invoice
    party = invoice.customer.party
    return pdf_message(
        to=email.to,
        language=party.language,
        subject=lambda: (
            (
                gettext("Credit note %(number)s from %(company)s")
                if invoice.is_credit_note
                else gettext("Invoice %(number)s from %(company)s")
            )
            % {"number": invoice.number, "company": settings.SALESFLOW_COMPANY["name"]}
        ),
        template="email/invoice_message.txt",
        context={"invoice": invoice, "party": party, "sender": email.created_by, "company": settings.SALESFLOW_COMPANY},
        pdf=invoice_pdf(invoice),
    )


def _sent_record(email: InvoiceEmail) -> None:
    invoice = email.invoice
    subject = (
        gettext("Credit note %(number)s sent to %(to)s")
        if invoice.is_credit_note
        else gettext("Invoice %(number)s sent to %(to)s")
    )
    activity_create(
        by=email.created_by,
        activity_type=ActivityType.EMAIL,
        subject=subject % {"number": invoice.number, "to": email.to},
        party=invoice.customer.party,
        document=invoice,
        done=True,
    )


def invoice_email_deliver(*, email_id: int) -> InvoiceEmail:
    """Send one queued invoice email, once. Runs as a job."""
    email = InvoiceEmail.objects.select_related("invoice__customer__party", "created_by").get(pk=email_id)
    return email_deliver_once(email, message_for=_message, on_sent=_sent_record)
