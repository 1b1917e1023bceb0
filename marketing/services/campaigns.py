"""Campaigns: creating and editing them, and the road planned → active → completed (or canceled)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from core.money import ZERO, round_money
from core.numbering import number_take
from core.transitions import transition_refusal, transition_run
from marketing.choices import CampaignState, CampaignType
from marketing.errors import ErrorCode
from marketing.lock_objects import lock_campaign
from marketing.models import Campaign

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CAMPAIGN_FIELDS = (
    "name",
    "campaign_type",
    "owner",
    "start_date",
    "end_date",
    "budget",
    "description",
    "email_subject",
    "email_body",
)


def campaign_template_errors(*, subject: str, body: str) -> dict[str, str]:
    """An email text is a Django template ({{ target.name }}); a typo in it is shown before anything is sent."""
    errors = {}
    for field, text in (("email_subject", subject), ("email_body", body)):
        try:
            Template(text or "")
        except TemplateSyntaxError as exc:
            errors[field] = gettext("The text cannot be read as a template: %(error)s") % {"error": exc}
    return errors


def amount_clean(value, *, field: str, negative: str) -> Decimal:
    """A money amount typed in (blank is zero), rounded to cents; ``negative`` is the refusal below zero."""
    try:
        amount = Decimal(str(ZERO if value in (None, "") else value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(
            field_errors={field: gettext("'%(value)s' is not an amount.") % {"value": value}}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(field_errors={field: negative})
    return round_money(amount)


def _budget(value) -> Decimal:
    return amount_clean(value, field="budget", negative=gettext("The budget cannot be negative."))


def _validated(campaign: Campaign) -> Campaign:
    campaign.name = (campaign.name or "").strip()
    campaign.description = campaign.description or ""
    campaign.email_subject = (campaign.email_subject or "").strip()
    campaign.email_body = campaign.email_body or ""
    errors: dict[str, str] = {}
    if not campaign.name:
        errors["name"] = gettext("A campaign needs a name.")
    elif len(campaign.name) > Campaign._meta.get_field("name").max_length:
        errors["name"] = gettext("Keep the name under 200 characters.")
    if campaign.campaign_type not in CampaignType.values:
        errors["campaign_type"] = gettext("Unknown campaign type '%(type)s'; use telemarketing, mailing or email.") % {
            "type": campaign.campaign_type
        }
    start, end = campaign.start_date, campaign.end_date
    if start and end and end < start:
        errors["end_date"] = gettext("The campaign cannot end before it starts (%(start)s).") % {
            "start": start.isoformat()
        }
    if campaign.owner_id and not campaign.owner.is_active:
        errors["owner"] = gettext("%(user)s is no longer active: choose another owner.") % {"user": campaign.owner}
    if len(campaign.email_subject) > Campaign._meta.get_field("email_subject").max_length:
        errors["email_subject"] = gettext("Keep the subject under 200 characters.")
    errors.update(
        {
            field: message
            for field, message in campaign_template_errors(
                subject=campaign.email_subject, body=campaign.email_body
            ).items()
            if field not in errors
        }
    )
    try:
        campaign.budget = _budget(campaign.budget)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return campaign


@transaction.atomic
def campaign_create(
    *,
    by: User,
    name: str,
    campaign_type: str,
    owner=None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    budget: Decimal = ZERO,
    description: str = "",
    email_subject: str = "",
    email_body: str = "",
) -> Campaign:
    campaign = _validated(
        Campaign(
            created_by=by,
            name=name,
            campaign_type=campaign_type,
            owner=owner,
            start_date=start_date,
            end_date=end_date,
            budget=budget,
            description=description,
            email_subject=email_subject,
            email_body=email_body,
        )
    )
    campaign.number = number_take(code="campaign")
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User, **fields) -> Campaign:
    campaign = lock_campaign(campaign.pk)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})
    reason = campaign.refusal_reason("edit")
    if reason:
        raise TransitionRefused(code=ErrorCode.CAMPAIGN_NOT_EDITABLE, reason=reason)
    if (
        "campaign_type" in fields
        and fields["campaign_type"] != campaign.campaign_type
        and campaign.state != CampaignState.PLANNED
    ):
        # Call lists, mailings and sent email belong to the type the campaign ran as.
        raise ValidationFailed(
            field_errors={
                "campaign_type": gettext("Campaign %(number)s is already running: its type can no longer change.")
                % {"number": campaign.number}
            }
        )
    for name, value in fields.items():
        setattr(campaign, name, value)
    _validated(campaign).save()
    return campaign


@transaction.atomic
def campaign_activate(*, campaign: Campaign, by: User) -> Campaign:
    campaign = lock_campaign(campaign.pk)
    transition_run(
        campaign.activate,
        by=by,
    )
    campaign.save()
    return campaign


@transaction.atomic
def campaign_complete(*, campaign: Campaign, by: User) -> Campaign:
    campaign = lock_campaign(campaign.pk)
    transition_run(
        campaign.complete,
        by=by,
    )
    campaign.save()
    return campaign


CANCELABLE_STATES = (CampaignState.PLANNED, CampaignState.ACTIVE)


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, by: User, reason: str) -> Campaign:
    campaign = lock_campaign(campaign.pk)
    refused = transition_refusal(campaign, "cancel") if campaign.state not in CANCELABLE_STATES else None
    if refused:
        # The state decides first: a reason would not make a completed campaign cancelable.
        raise TransitionRefused(code=ErrorCode.CAMPAIGN_NOT_CANCELABLE, reason=refused)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": gettext("Say why the campaign is canceled.")})
    if len(reason) > Campaign._meta.get_field("cancel_reason").max_length:
        raise ValidationFailed(field_errors={"reason": gettext("Keep the reason under 300 characters.")})
    transition_run(
        campaign.cancel,
        by=by,
        description=reason,
    )
    campaign.save()
    return campaign
