"""Sending one queued document email (a quotation, an order confirmation) exactly once, from a job.

The row is claimed (``sent_at`` stamped and committed) before the message is handed to the mail server, so a
retried job finds it claimed and sends nothing. A mail server that cannot be reached, or that answers "try again
later" (4xx: it did not take the message), releases the claim and raises ``MailServerUnavailable``, so the job is
retried with backoff. Any other failure while sending leaves it unknown whether the message went: the email is
marked failed with the server's answer, never sent again by itself (the clerk may send it again knowingly)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.errors import ValidationFailed
from marketing.errors import MailServerUnavailable

logger = logging.getLogger(__name__)


def pdf_message(
    *, to: str, language: str, subject: Callable[[], str], template: str, context: dict, pdf: tuple[bytes, str]
) -> EmailMessage:
    """A document's email: subject (a callable, so it is translated) and body in the recipient's ``language``,
    the document's PDF ``(content, filename)`` attached."""
    with translation.override(language or settings.LANGUAGE_CODE):
        title = subject()
        body = render_to_string(template, context)
    message = EmailMessage(subject=title, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    content, filename = pdf
    message.attach(filename, content, "application/pdf")
    return message


def recipient_checked(to: str | None, *, default: str, recipient: str, code: str | None = None) -> str:
    """The address a document email goes to: ``to`` as given, else ``default`` (the party's); refused, naming
    the field ``to``, when there is none or it is no email address."""
    to = (to or "").strip() or (default or "").strip()
    if not to:
        raise ValidationFailed(
            code=code,
            field_errors={
                "to": gettext("%(recipient)s has no email address: add one to the party, or name the recipient.")
                % {"recipient": recipient}
            },
        )
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationFailed(
            field_errors={"to": gettext("'%(value)s' is not an email address.") % {"value": to}}
        ) from None
    return to


@dataclass(frozen=True)
class DeliveryColumns:
    """Where a queued email row keeps its fate: when it went, when it failed for good (None: a failure is known
    by its error text alone), and the server's answer."""

    sent: str = "sent_at"
    failed: str | None = "failed_at"
    error: str = "error"

    def unclaimed(self) -> dict:
        return {f"{self.sent}__isnull": True, **({f"{self.failed}__isnull": True} if self.failed else {self.error: ""})}

    def settled(self, email) -> bool:
        return bool(getattr(email, self.sent) or getattr(email, self.failed or self.error))


def email_deliver_once(
    email,
    *,
    message_for: Callable[[object], EmailMessage],
    on_sent: Callable[[object], None],
    columns: DeliveryColumns = DeliveryColumns(),
):
    """Send ``email`` (a row with the ``columns`` and ``to``) once; ``on_sent`` records the step (an activity)
    in its own transaction once the message went. Runs outside any transaction."""
    if columns.settled(email):
        return email
    model = type(email)
    message = message_for(email)
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        raise MailServerUnavailable(str(exc)) from exc
    try:
        claimed_at = timezone.now()
        if not model.objects.filter(pk=email.pk, **columns.unclaimed()).update(**{columns.sent: claimed_at}):
            email.refresh_from_db()
            return email  # another attempt got to it first
        try:
            connection.send_messages([message])
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                model.objects.filter(pk=email.pk).update(**{columns.sent: None})
                raise MailServerUnavailable(str(exc)) from exc
            return _failed(email, exc, columns)
        except Exception as exc:
            return _failed(email, exc, columns)
    finally:
        connection.close()
    setattr(email, columns.sent, claimed_at)
    with transaction.atomic():
        on_sent(email)
    return email


def _failed(email, error: Exception, columns: DeliveryColumns):
    changes = {columns.sent: None, columns.error: (str(error) or error.__class__.__name__)[:500]}
    if columns.failed:
        changes[columns.failed] = timezone.now()
    for name, value in changes.items():
        setattr(email, name, value)
    type(email).objects.filter(pk=email.pk).update(**changes)
    logger.warning("%s %s could not be emailed: %s", type(email).__name__, email.pk, changes[columns.error])
    return email
