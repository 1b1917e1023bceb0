"""Emailing a quotation: the revision the customer was last sent, as a PDF attached to a short message in the
recipient's language, through Django's email backend and a job (DESIGN.md §2.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from marketing.choices import ActivityType
from salesapp.documents import quotation_pdf
from salesapp.errors import ErrorCode
from salesapp.jobs import quotation_email_deliver_job
from salesapp.lock_objects import lock_quotation
from salesapp.models import Quotation, QuotationEmail
from salesapp.services.document_mail import email_deliver_once, recipient_checked
from salesapp.services.quotations import quotation_step_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def quotation_email_send(*, quotation: Quotation, by: User, to: str | None = None) -> QuotationEmail:
    """Queue an email of the revision last sent to ``to`` (default: the party's or customer's address). The
    job is committed with the request, or not at all; the activity is recorded once the message went."""
    if not by.has_perm("salesapp.send_quotation"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You may not send quotations to customers.")
        )
    quotation = lock_quotation(quotation.pk)
    reason = quotation.refusal_reason("email")
    if reason:
        raise TransitionRefused(code=ErrorCode.QUOTATION_NOT_EMAILABLE, reason=reason)
    to = recipient_checked(
        to,
        default=quotation.recipient_email,
        recipient=quotation.recipient_name,
        code=ErrorCode.QUOTATION_NOT_EMAILABLE,
    )
    email = QuotationEmail.objects.create(
        quotation=quotation, revision=quotation.current_revision, to=to, created_by=by
    )
    job_enqueue(quotation_email_deliver_job, email_id=email.pk)
    return email


def _message(email: QuotationEmail) -> EmailMessage:
    quotation = email.quotation
    revision = quotation.revisions.get(number=email.revision)
    content, filename = quotation_pdf(quotation, revision=revision)
    party = quotation.customer.party if quotation.customer_id else quotation.party
    context = {
        "quotation": quotation,
        "revision": revision,
        "party": party,
        "company": settings.SALESFLOW_COMPANY,
    }
    with translation.override(party.language or settings.LANGUAGE_CODE):
        subject = gettext("Quotation %(number)s r%(revision)s from %(company)s") % {
            "number": quotation.number,
            "revision": revision.number,
            "company": settings.SALESFLOW_COMPANY["name"],
        }
        body = render_to_string("email/quotation_message.txt", context)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to])
    message.attach(filename, content, "application/pdf")
    return message


def quotation_email_deliver(*, email_id: int) -> QuotationEmail:
    """Send one queued quotation email, once (salesapp.services.document_mail). Runs as a job, outside any
    transaction; the activity is recorded once the message went."""
    email = QuotationEmail.objects.select_related(
        "quotation__customer__party", "quotation__party", "quotation__owner", "quotation__opportunity"
    ).get(pk=email_id)
    return email_deliver_once(email, message_for=_message, on_sent=_sent_record)


def _sent_record(email: QuotationEmail) -> None:
    quotation_step_record(
        email.quotation,
        gettext("Quotation %(number)s r%(revision)s sent to %(to)s")
        % {"number": email.quotation.number, "revision": email.revision, "to": email.to},
        by=email.created_by,
        activity_type=ActivityType.EMAIL,
    )
