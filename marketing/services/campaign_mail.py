"""Email campaigns: one message per target, rendered from the campaign's text, each with its own unsubscribe link."""

from __future__ import annotations

import enum
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from core.jobs import job_enqueue_many
from marketing.choices import CampaignState, CampaignType, Response, TargetStatus
from marketing.errors import ErrorCode, MailServerUnavailable
from marketing.jobs import campaign_email_batch
from marketing.lock_objects import lock_campaign
from marketing.models import Campaign, CampaignTarget
from marketing.selectors.campaigns import email_recipients
from marketing.services.campaign_targets import unsubscribed_on
from marketing.services.campaigns import campaign_template_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# What a campaign text may use: {{ target.name }}, {{ campaign.name }}, {{ unsubscribe_url }} … Plain values
# only, so a text typed by a clerk cannot reach into the database through the template language.
TARGET_PLACEHOLDERS = ("name", "contact_name", "email", "phone", "street", "postcode", "city", "country")


@dataclass(frozen=True)
class CampaignEmail:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[self.to],
            headers=self.headers,
        )
        message.attach_alternative(self.html, "text/html")
        return message


def unsubscribe_url(target: CampaignTarget) -> str:
    return settings.SALESFLOW_BASE_URL + reverse("marketing:unsubscribe", args=[target.unsubscribe_token])


def email_context(*, campaign: Campaign, target: CampaignTarget) -> dict:
    return {
        "target": {name: getattr(target, name) for name in TARGET_PLACEHOLDERS},
        "campaign": {"name": campaign.name, "number": campaign.number},
        "unsubscribe_url": unsubscribe_url(target),
    }


def _templates(campaign: Campaign) -> tuple[Template, Template]:
    errors = campaign_template_errors(subject=campaign.email_subject, body=campaign.email_body)
    if not campaign.email_subject.strip():
        errors["email_subject"] = gettext("Write the subject of the email first.")
    if not campaign.email_body.strip():
        errors["email_body"] = gettext("Write the text of the email first.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    return Template(campaign.email_subject), Template(campaign.email_body)


def _rendered(campaign: Campaign, target: CampaignTarget, subject: Template, body: Template) -> CampaignEmail:
    context = email_context(campaign=campaign, target=target)
    # A text email is not HTML: what the clerk typed goes out as typed; the HTML part escapes it.
    plain = Context(context, autoescape=False)
    text = body.render(plain).strip()
    with translation.override(target.language or settings.LANGUAGE_CODE):
        footer = {**context, "body": text, "company": settings.SALESFLOW_COMPANY}
        return CampaignEmail(
            to=target.email,
            subject=" ".join(subject.render(plain).split()),
            text=render_to_string("email/campaign_message.txt", footer),
            html=render_to_string("email/campaign_message.html", footer),
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def campaign_email_render(*, campaign: Campaign, target: CampaignTarget) -> CampaignEmail:
    """The email ``target`` gets (or got): for the preview on the campaign page."""
    subject, body = _templates(campaign)
    return _rendered(campaign, target, subject, body)


# How many messages one job sends: small enough that a retry or a stop costs little, large enough that one
# connection to the mail server carries a useful run of messages.
BATCH_SIZE = 50


@transaction.atomic
def campaign_email_send(*, campaign: Campaign, by: User) -> int:
    """Queue the campaign email for every target that has not had it; returns how many messages are queued.

    Skipped: excluded targets, those who unsubscribed (here or in any earlier campaign: they are excluded now),
    those already sent to or queued, and those without an address. The messages go out through jobs
    (``campaign_email_batch_deliver``, BATCH_SIZE targets each) committed with this change; the campaign page
    follows their progress (``campaign_email_progress``)."""
    campaign = lock_campaign(campaign.pk)
    if campaign.campaign_type != CampaignType.EMAIL:
        raise TransitionRefused(
            code=ErrorCode.NOT_EMAIL,
            reason=gettext("Campaign %(number)s is a %(type)s campaign: only email campaigns send email.")
            % {"number": campaign.number, "type": campaign.get_campaign_type_display().lower()},
        )
    if campaign.state != CampaignState.ACTIVE:
        raise TransitionRefused(
            code=ErrorCode.CAMPAIGN_NOT_ACTIVE,
            reason=gettext("Campaign %(number)s is %(state)s: email is sent while it is active.")
            % {"number": campaign.number, "state": campaign.get_state_display()},
        )
    # A text that cannot be rendered is refused now, to the clerk, rather than failing in every job.
    _templates(campaign)
    targets = list(email_recipients(campaign=campaign).select_for_update().only("pk", "email"))
    unsubscribed = unsubscribed_on(target.email for target in targets)
    now = timezone.now()
    gone = {target.pk for target in targets if target.email.strip().lower() in unsubscribed}
    if gone:
        _exclude_unsubscribed(campaign, gone, now)
    queued = [target.pk for target in targets if target.pk not in gone]
    if queued:
        CampaignTarget.objects.filter(pk__in=queued).update(email_queued_at=now, updated_at=now)
        job_enqueue_many(
            campaign_email_batch,
            (
                {"campaign_id": campaign.pk, "target_ids": queued[start : start + BATCH_SIZE]}
                for start in range(0, len(queued), BATCH_SIZE)
            ),
        )
    return len(queued)


def _exclude_unsubscribed(campaign: Campaign, target_ids: Iterable[int], now) -> None:
    campaign.targets.filter(pk__in=list(target_ids)).update(
        status=TargetStatus.EXCLUDED,
        excluded_reason=gettext("Unsubscribed before the email was sent."),
        email_queued_at=None,
        updated_at=now,
    )


@dataclass(frozen=True)
class BatchDelivered:
    sent: int
    failed: int
    skipped: int


def campaign_email_batch_deliver(*, campaign_id: int, target_ids: list[int]) -> BatchDelivered:
    """Send the campaign email to these queued targets, one message at a time. Runs as a job, outside any
    transaction: each target is stamped sent (and that committed) *before* its message is handed to the
    mail server, so a retried job skips it and nobody is mailed twice; a message the server refuses for good
    (a 5xx answer, an impossible address) is recorded as failed on its target with the server's answer.

    A temporary refusal of one recipient (a 4xx answer) puts that target back in the queue, with the answer,
    and the batch goes on. When the server cannot be reached, drops the connection, times out or answers 4xx
    to the message itself, the target being sent and those not yet tried stay queued. Either way
    ``MailServerUnavailable`` is raised at the end: the job is retried with backoff and sends only what is
    still queued.
    Targets excluded or unsubscribed since they were queued are skipped and no longer queued, and so is the
    whole batch when the campaign is no longer active (canceled or completed while the batch waited)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.state != CampaignState.ACTIVE:
        stopped = CampaignTarget.objects.filter(
            campaign_id=campaign_id, pk__in=target_ids, email_sent_at__isnull=True, email_failed_at__isnull=True
        ).update(email_queued_at=None, updated_at=timezone.now())
        logger.info("Campaign %s is %s: %s queued messages not sent.", campaign.number, campaign.state, stopped)
        return BatchDelivered(sent=0, failed=0, skipped=len(target_ids))
    subject, body = _templates(campaign)
    targets = list(
        CampaignTarget.objects.filter(
            campaign_id=campaign_id,
            pk__in=target_ids,
            email_queued_at__isnull=False,
            email_sent_at__isnull=True,
            email_failed_at__isnull=True,
        ).order_by("name", "id")
    )
    now = timezone.now()
    unsubscribed = unsubscribed_on(target.email for target in targets)
    gone = [
        target
        for target in targets
        if target.email.strip().lower() in unsubscribed
        or target.status == TargetStatus.EXCLUDED
        or target.response == Response.UNSUBSCRIBED
    ]
    if gone:
        _exclude_unsubscribed(campaign, [t.pk for t in gone if t.status != TargetStatus.EXCLUDED], now)
        CampaignTarget.objects.filter(pk__in=[t.pk for t in gone]).update(email_queued_at=None, updated_at=now)
    skipped = len(target_ids) - len(targets) + len(gone)
    to_send = [target for target in targets if target not in gone]
    if not to_send:
        return BatchDelivered(sent=0, failed=0, skipped=skipped)
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        raise MailServerUnavailable(str(exc)) from exc
    sent = failed = 0
    deferred: list[str] = []
    try:
        for target in to_send:
            marked_at = timezone.now()
            if not _mark_sent(target, marked_at):
                skipped += 1  # another attempt got to it first
                continue
            try:
                message = _rendered(campaign, target, subject, body).message()
                connection.send_messages([message])
            except Exception as exc:
                failure = _failure_kind(exc)
                if failure is Failure.REFUSED:
                    failed += 1
                    _mark_failed(target, marked_at, exc)
                    logger.warning("Campaign %s: email to target %s refused: %s", campaign.number, target.pk, exc)
                    continue
                _mark_waiting(target, marked_at, exc)
                if failure is Failure.SERVER:
                    raise MailServerUnavailable(str(exc)) from exc
                deferred.append(target.email)
            else:
                sent += 1
    finally:
        connection.close()
    if deferred:
        raise MailServerUnavailable(f"{len(deferred)} recipients deferred by the mail server: {', '.join(deferred)}")
    return BatchDelivered(sent=sent, failed=failed, skipped=skipped)


def _mark_sent(target: CampaignTarget, now) -> bool:
    """Claim the target for this attempt in one statement (committed at once outside a transaction)."""
    return bool(
        CampaignTarget.objects.filter(
            pk=target.pk, email_queued_at__isnull=False, email_sent_at__isnull=True, email_failed_at__isnull=True
        ).update(
            email_sent_at=now,
            email_error="",
            status=Case(When(status=TargetStatus.PENDING, then=Value(TargetStatus.CONTACTED)), default=F("status")),
            contacted_at=Coalesce(F("contacted_at"), Value(now)),
            updated_at=now,
        )
    )


def _mark_failed(target: CampaignTarget, marked_at, error: Exception) -> None:
    """The message will not go: the target shows why, and is not counted as contacted by this email."""
    _unclaim(target, marked_at, error, email_failed_at=timezone.now())


def _mark_waiting(target: CampaignTarget, marked_at, error: Exception) -> None:
    """The message did not go this time: the target stays queued for the job's retry and shows the server's
    answer meanwhile. In SMTP the server takes a message on only with its 250 answer to it (RFC 5321 §6.1):
    without that answer (a 4xx, a lost connection, a timeout) the message is still ours to send, so the retry
    sends it."""
    _unclaim(target, marked_at, error)


def _unclaim(target: CampaignTarget, marked_at, error: Exception, **stamp) -> None:
    now = timezone.now()
    CampaignTarget.objects.filter(pk=target.pk).update(
        **stamp,
        email_sent_at=None,
        email_error=(str(error) or error.__class__.__name__)[:500],
        status=Case(
            When(status=TargetStatus.CONTACTED, contacted_at=marked_at, then=Value(TargetStatus.PENDING)),
            default=F("status"),
        ),
        contacted_at=Case(When(contacted_at=marked_at, then=Value(None)), default=F("contacted_at")),
        updated_at=now,
    )


class Failure(enum.Enum):
    REFUSED = "refused"  # this message, for good: the target fails, the batch goes on
    DEFERRED = "deferred"  # this recipient, for now: the target waits for the retry, the batch goes on
    SERVER = "server"  # the server, for now: this target and the rest of the batch wait for the retry


def _failure_kind(error: Exception) -> Failure:
    """What a failed hand-over means. SMTP says 5xx is final and 4xx temporary; a lost connection or a timeout
    is the server's trouble, not the recipient's; anything else (an address Django cannot encode) is final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _answer in error.recipients.values()]
        return Failure.DEFERRED if codes and all(400 <= code < 500 for code in codes) else Failure.REFUSED
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure.SERVER if 400 <= error.smtp_code < 500 else Failure.REFUSED
    if isinstance(error, smtplib.SMTPException | OSError):
        return Failure.SERVER
    return Failure.REFUSED
