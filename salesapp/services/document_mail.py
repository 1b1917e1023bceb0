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

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from marketing.errors import MailServerUnavailable

logger = logging.getLogger(__name__)


def email_deliver_once(email, *, message_for: Callable[[object], EmailMessage], on_sent: Callable[[object], None]):
    """Send ``email`` (a row with ``sent_at``, ``failed_at``, ``error`` and ``to``) once; ``on_sent`` records the
    step (an activity) in its own transaction once the message went. Runs outside any transaction."""
    if email.sent_at or email.failed_at:
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
        if not model.objects.filter(pk=email.pk, sent_at__isnull=True, failed_at__isnull=True).update(
            sent_at=claimed_at
        ):
            email.refresh_from_db()
            return email  # another attempt got to it first
        try:
            connection.send_messages([message])
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                model.objects.filter(pk=email.pk).update(sent_at=None)
                raise MailServerUnavailable(str(exc)) from exc
            return _failed(email, exc)
        except Exception as exc:
            return _failed(email, exc)
    finally:
        connection.close()
    email.sent_at = claimed_at
    with transaction.atomic():
        on_sent(email)
    return email


def _failed(email, error: Exception):
    email.sent_at = None
    email.failed_at = timezone.now()
    email.error = (str(error) or error.__class__.__name__)[:500]
    type(email).objects.filter(pk=email.pk).update(sent_at=None, failed_at=email.failed_at, error=email.error)
    logger.warning("%s %s to %s refused: %s", type(email).__name__, email.pk, email.to, email.error)
    return email
