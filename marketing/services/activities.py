"""Calls, meetings, tasks and emails: planning them, completing them (optionally scheduling the next one),
reopening and deleting them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import ActivityType, CallOutcome
from marketing.lock_objects import lock_activity
from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity, Party

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What `activity_update` may change; links to party, lead, … stay as created.
ACTIVITY_EDITABLE_FIELDS = ("activity_type", "subject", "owner", "due_at", "notes")
# What a scheduled follow-up may say; the rest it inherits from the activity it follows.
NEXT_ACTIVITY_FIELDS = ("activity_type", "subject", "due_at", "owner", "notes")


def _content_errors(*, activity_type: str, subject: str, outcome: str, owner: User | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if activity_type not in ActivityType.values:
        errors["activity_type"] = gettext("Unknown activity type '%(type)s'; use call, meeting, task or email.") % {
            "type": activity_type
        }
    if not subject:
        errors["subject"] = gettext("An activity needs a subject.")
    elif len(subject) > Activity._meta.get_field("subject").max_length:
        errors["subject"] = gettext("Keep the subject under 200 characters.")
    if outcome:
        if outcome not in CallOutcome.values:
            errors["outcome"] = gettext("Unknown call outcome '%(outcome)s'.") % {"outcome": outcome}
        elif activity_type != ActivityType.CALL:
            errors["outcome"] = gettext("Only a call has an outcome.")
    if owner is not None and not owner.is_active:
        errors["owner"] = gettext("%(user)s is no longer active: choose another owner.") % {"user": owner}
    return errors


def _links_resolved(
    *,
    party: Party | None,
    lead: Lead | None,
    opportunity: Opportunity | None,
    campaign: Campaign | None,
    campaign_target: CampaignTarget | None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Fill in what the given records imply (a target's campaign, an opportunity's party, …) and refuse links
    that contradict each other, so an activity never shows up on the wrong party's timeline."""
    errors: dict[str, str] = {}
    if campaign_target is not None:
        campaign = campaign or campaign_target.campaign
        lead = lead or campaign_target.lead
        opportunity = opportunity or campaign_target.opportunity
        if campaign_target.campaign_id != campaign.pk:
            errors["campaign_target"] = gettext("This target belongs to another campaign.")
    if party is None:
        party = (
            (opportunity.party if opportunity else None)
            or (lead.party if lead else None)
            or (campaign_target.party if campaign_target else None)
        )
    if party is None and lead is None:
        errors["party"] = gettext("Link the activity to a party or a lead.")
    if opportunity is not None and party is not None and opportunity.party_id != party.pk:
        errors["opportunity"] = gettext("Opportunity %(number)s belongs to another party.") % {
            "number": opportunity.number
        }
    if lead is not None and lead.party_id and party is not None and lead.party_id != party.pk:
        errors["lead"] = gettext("Lead %(number)s belongs to another party.") % {"number": lead.number}
    links = {
        "party": party,
        "lead": lead,
        "opportunity": opportunity,
        "campaign": campaign,
        "campaign_target": campaign_target,
    }
    return links, errors


def _document_errors(document: models.Model | None) -> dict[str, str]:
    if document is not None and (not isinstance(document, models.Model) or document.pk is None):
        return {"document": gettext("Link a saved document.")}
    return {}


@transaction.atomic
def activity_create(
    *,
    by: User,
    activity_type: str,
    subject: str,
    owner: User | None = None,
    due_at: datetime.datetime | None = None,
    notes: str = "",
    party: Party | None = None,
    lead: Lead | None = None,
    opportunity: Opportunity | None = None,
    campaign: Campaign | None = None,
    campaign_target: CampaignTarget | None = None,
    document: models.Model | None = None,
    done: bool = False,
    outcome: str = "",
) -> Activity:
    subject = (subject or "").strip()
    owner = owner or by
    errors = _content_errors(activity_type=activity_type, subject=subject, outcome=outcome or "", owner=owner)
    if owner is None:
        errors["owner"] = gettext("Choose who owns the activity.")
    links, link_errors = _links_resolved(
        party=party, lead=lead, opportunity=opportunity, campaign=campaign, campaign_target=campaign_target
    )
    errors.update(link_errors)
    errors.update(_document_errors(document))
    if errors:
        raise ValidationFailed(field_errors=errors)
    now = timezone.now()
    if done and due_at is None:
        # Recorded as done without a date (a call just made): it took place now, and lists sorted or shown by
        # date must not treat it as an undated to-do.
        due_at = now
    activity = Activity(
        created_by=by,
        activity_type=activity_type,
        subject=subject,
        owner=owner,
        due_at=due_at,
        notes=notes or "",
        done=bool(done),
        done_at=now if done else None,
        outcome=outcome or "",
        document=document,
        **links,
    )
    activity.save()
    if done and activity.done_at < activity.created_at:
        # The row stamps its creation when it is written, a moment after ``now``: a step recorded as done is done
        # (and, undated, took place) when it was recorded, never before.
        moved = {"done_at": activity.created_at}
        if activity.due_at == now:
            moved["due_at"] = activity.created_at
        Activity.objects.filter(pk=activity.pk).update(**moved)
        for name, value in moved.items():
            setattr(activity, name, value)
    return activity


def activity_refusal_reason(activity: Activity, action: str) -> str | None:
    """Why ``action`` (update, complete, reopen, delete) cannot run on the activity now; None when it can.
    Pages ask this to explain the buttons they do not offer."""
    if action == "reopen":
        if not activity.done:
            return gettext("'%(subject)s' is still open.") % {"subject": activity.subject}
        return None
    if activity.done:
        if action == "delete":
            return gettext("'%(subject)s' is done and part of the history: it cannot be deleted.") % {
                "subject": activity.subject
            }
        if action == "update":
            return gettext("'%(subject)s' is done: reopen it first to change it.") % {"subject": activity.subject}
        return gettext("'%(subject)s' is done already.") % {"subject": activity.subject}
    return None


def _ensure_allowed(activity: Activity, action: str, code: str) -> None:
    reason = activity_refusal_reason(activity, action)
    if reason:
        raise TransitionRefused(code=code, reason=reason)


@transaction.atomic
def activity_update(*, activity: Activity, by: User, **fields: Any) -> Activity:
    activity = lock_activity(activity.pk)
    unknown = set(fields) - set(ACTIVITY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            field_errors={name: gettext("This field cannot be changed.") for name in sorted(unknown)}
        )
    _ensure_allowed(activity, "update", "activity-done")
    for name, value in fields.items():
        setattr(activity, name, value.strip() if name == "subject" and isinstance(value, str) else value)
    activity.notes = activity.notes or ""
    owner = activity.owner if activity.owner_id else None
    errors = _content_errors(
        activity_type=activity.activity_type, subject=activity.subject, outcome=activity.outcome, owner=owner
    )
    if owner is None:
        errors["owner"] = gettext("Choose who owns the activity.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    activity.save()
    return activity


def _follow_up_built(previous: Activity, next_activity: dict[str, Any]) -> dict[str, Any]:
    unknown = set(next_activity) - set(NEXT_ACTIVITY_FIELDS)
    if unknown:
        raise ValidationFailed(
            field_errors={f"next.{name}": gettext("Unknown field.") for name in sorted(unknown)},
        )
    planned = {
        "activity_type": next_activity.get("activity_type") or previous.activity_type,
        "subject": (next_activity.get("subject") or "").strip(),
        "due_at": next_activity.get("due_at"),
        "owner": next_activity.get("owner") or previous.owner,
        "notes": next_activity.get("notes") or "",
    }
    errors = _content_errors(
        activity_type=planned["activity_type"], subject=planned["subject"], outcome="", owner=planned["owner"]
    )
    if errors:
        raise ValidationFailed(field_errors={f"next.{name}": message for name, message in errors.items()})
    return planned


@transaction.atomic
def activity_complete(
    *,
    activity: Activity,
    by: User,
    outcome: str = "",
    notes: str = "",
    next_activity: dict[str, Any] | None = None,
) -> tuple[Activity, Activity | None]:
    """Mark the activity done and, when ``next_activity`` is given, schedule the follow-up on the same party,
    lead, opportunity, campaign and document — both or neither."""
    activity = lock_activity(activity.pk)
    _ensure_allowed(activity, "complete", "activity-done")
    outcome = outcome or ""
    errors = _content_errors(
        activity_type=activity.activity_type, subject=activity.subject, outcome=outcome, owner=None
    )
    if errors:
        raise ValidationFailed(field_errors=errors)
    planned = _follow_up_built(activity, next_activity) if next_activity is not None else None
    activity.done = True
    activity.done_at = timezone.now()
    activity.outcome = outcome
    if notes and notes.strip():
        # Completion notes add to what was planned rather than replacing it.
        activity.notes = f"{activity.notes}\n\n{notes.strip()}" if activity.notes else notes.strip()
    activity.save(update_fields=["done", "done_at", "outcome", "notes", "updated_at"])
    follow_up = None
    if planned is not None:
        follow_up = Activity.objects.create(
            created_by=by,
            follow_up_of=activity,
            party_id=activity.party_id,
            lead_id=activity.lead_id,
            opportunity_id=activity.opportunity_id,
            campaign_id=activity.campaign_id,
            campaign_target_id=activity.campaign_target_id,
            document_type_id=activity.document_type_id,
            document_id=activity.document_id,
            **planned,
        )
    return activity, follow_up


@transaction.atomic
def activity_reopen(*, activity: Activity, by: User) -> Activity:
    activity = lock_activity(activity.pk)
    _ensure_allowed(activity, "reopen", "activity-open")
    activity.done = False
    activity.done_at = None
    # The outcome said how the call went; an activity reopened has not gone anywhere yet.
    activity.outcome = ""
    activity.save(update_fields=["done", "done_at", "outcome", "updated_at"])
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by: User) -> Activity:
    activity = lock_activity(activity.pk)
    _ensure_allowed(activity, "delete", "activity-done")
    activity.delete()
    return activity
