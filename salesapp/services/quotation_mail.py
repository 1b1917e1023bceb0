"""Emailing a quotation: the revision the customer was last sent, as a PDF attached to a short message in the
recipient's language, through Django's email backend and a job (DESIGN.md §2.3)."""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from marketing.choices import ActivityType
from marketing.errors import MailServerUnavailable
from salesapp.documents import quotation_pdf
from salesapp.errors import ErrorCode
from salesapp.jobs import quotation_email_deliver_job
from salesapp.lock_objects import lock_quotation
from salesapp.models import Quotation, QuotationEmail
from salesapp.services.quotations import quotation_step_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


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
    to = (to or "").strip() or quotation.recipient_email
    if not to:
        raise ValidationFailed(
            code=ErrorCode.QUOTATION_NOT_EMAILABLE,
            field_errors={
                "to": gettext("%(recipient)s has no email address: add one to the party, or name the recipient.")
                % {"recipient": quotation.recipient_name}
            },
        )
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationFailed(
            field_errors={"to": gettext("'%(value)s' is not an email address.") % {"value": to}}
        ) from None
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
    """Send one queued quotation email. Runs as a job, outside any transaction.

    The row is claimed (``sent_at`` stamped and committed) before the message is handed to the mail server,
    so a retried job finds it claimed and sends nothing. A mail server that cannot be reached, or that answers
    "try again later" (4xx: it did not take the message), releases the claim and raises
    ``MailServerUnavailable``, so the job is retried with backoff. Any other failure while sending leaves it
    unknown whether the message went: the email is marked failed with the server's answer, never sent again
    by itself (the clerk may send it again knowingly)."""
    email = QuotationEmail.objects.select_related(
        "quotation__customer__party", "quotation__party", "quotation__owner", "quotation__opportunity"
    ).get(pk=email_id)
    if email.sent_at or email.failed_at:
        return email
    message = _message(email)
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        raise MailServerUnavailable(str(exc)) from exc
    try:
        claimed_at = timezone.now()
        if not QuotationEmail.objects.filter(pk=email.pk, sent_at__isnull=True, failed_at__isnull=True).update(
            sent_at=claimed_at
        ):
            email.refresh_from_db()
            return email  # another attempt got to it first
        try:
            connection.send_messages([message])
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                QuotationEmail.objects.filter(pk=email.pk).update(sent_at=None)
                raise MailServerUnavailable(str(exc)) from exc
            return _failed(email, exc)
        except Exception as exc:
            return _failed(email, exc)
    finally:
        connection.close()
    email.sent_at = claimed_at
    with transaction.atomic():
        quotation_step_record(
            email.quotation,
            gettext("Quotation %(number)s r%(revision)s sent to %(to)s")
            % {"number": email.quotation.number, "revision": email.revision, "to": email.to},
            by=email.created_by,
            activity_type=ActivityType.EMAIL,
        )
    return email


def _failed(email: QuotationEmail, error: Exception) -> QuotationEmail:
    email.sent_at = None
    email.failed_at = timezone.now()
    email.error = (str(error) or error.__class__.__name__)[:500]
    QuotationEmail.objects.filter(pk=email.pk).update(sent_at=None, failed_at=email.failed_at, error=email.error)
    logger.warning("Quotation email %s to %s refused: %s", email.pk, email.to, email.error)
    return email
