"""Email campaigns: one message per target, rendered from the campaign's text, each with its own unsubscribe link."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import CampaignState, CampaignType, TargetStatus
from marketing.errors import ErrorCode
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


def _deliver(messages: list[EmailMultiAlternatives], campaign_number: str) -> None:
    try:
        get_connection().send_messages(messages)
    except Exception:
        # The targets are stamped as sent already and the clerk's action succeeded: the log (and the mail
        # server's) says what did not go out, rather than an error page after the fact.
        logger.exception("Sending the email of campaign %s failed", campaign_number)


@transaction.atomic
def campaign_email_send(*, campaign: Campaign, by: User) -> int:
    """Send the campaign email to every target that has not had it; returns how many messages go out.

    Skipped: excluded targets, those who unsubscribed (here or in any earlier campaign: they are excluded now),
    those already sent to and those without an address. Messages leave after the commit."""
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
    subject, body = _templates(campaign)
    targets = list(email_recipients(campaign=campaign).select_for_update())
    unsubscribed = unsubscribed_on(target.email for target in targets)
    now = timezone.now()
    gone = {target.pk for target in targets if target.email.strip().lower() in unsubscribed}
    if gone:
        campaign.targets.filter(pk__in=gone).update(
            status=TargetStatus.EXCLUDED,
            excluded_reason=gettext("Unsubscribed before the email was sent."),
            updated_at=now,
        )
    recipients = [target for target in targets if target.pk not in gone]
    messages = [_rendered(campaign, target, subject, body).message() for target in recipients]
    sent_ids = [target.pk for target in recipients]
    if sent_ids:
        sent = CampaignTarget.objects.filter(pk__in=sent_ids)
        sent.update(email_sent_at=now, updated_at=now)
        sent.filter(status=TargetStatus.PENDING).update(status=TargetStatus.CONTACTED)
        sent.filter(contacted_at__isnull=True).update(contacted_at=now)
        transaction.on_commit(lambda: _deliver(messages, campaign.number))
    return len(messages)
