"""Campaign targets: adding them (from a segment, filters or one by one), call lists, logging calls, mailings,
and the responses that start the sales process."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import TransitionRefused, ValidationFailed
from core.money import ZERO
from marketing.choices import (
    ActivityType,
    CallOutcome,
    CampaignState,
    CampaignType,
    LeadSource,
    LeadState,
    OpportunityState,
    PartyKind,
    Response,
    TargetStatus,
)
from marketing.errors import ErrorCode
from marketing.lock_objects import lock_campaign, lock_target
from marketing.models import Campaign, CampaignTarget, Lead, Opportunity, Party, Segment, Unsubscription
from marketing.selectors.campaigns import target_keys
from marketing.selectors.segments import Candidate, explicit_candidates, segment_candidates
from marketing.services.activities import activity_create
from marketing.services.campaigns import amount_clean
from marketing.services.leads import lead_create, lead_prospect_create, lead_update
from marketing.services.opportunities import opportunity_create
from marketing.services.parties import PartyDuplicates
from marketing.services.segments import segment_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SalesStart(models.TextChoices):
    """What a positive response starts in the same action. Quotations join this list once they exist."""

    NONE = "none", _("Nothing yet")
    LEAD = "lead", _("Create a lead")
    OPPORTUNITY = "opportunity", _("Create an opportunity")


@dataclass(frozen=True)
class TargetsAdded:
    added: int
    skipped: int
    excluded: int
    saved_segment: Segment | None = None

    @property
    def found(self) -> int:
        return self.added + self.skipped


def _campaign_and_target(target: CampaignTarget) -> tuple[Campaign, CampaignTarget]:
    # Lock order: the campaign, then its target (as every campaign service does).
    campaign = lock_campaign(target.campaign_id)
    target = lock_target(target.pk)
    target.campaign = campaign
    return campaign, target


def _refuse_unless_changeable(campaign: Campaign) -> None:
    reason = campaign.refusal_reason("add_targets")
    if reason:
        raise TransitionRefused(code=ErrorCode.CAMPAIGN_CLOSED, reason=reason)


def _refuse_unless_active(campaign: Campaign, message: str) -> None:
    if campaign.state != CampaignState.ACTIVE:
        raise TransitionRefused(
            code=ErrorCode.CAMPAIGN_NOT_ACTIVE,
            reason=message % {"number": campaign.number, "state": campaign.get_state_display()},
        )


def _refuse_if_excluded(target: CampaignTarget) -> None:
    if target.status == TargetStatus.EXCLUDED:
        raise TransitionRefused(
            code=ErrorCode.TARGET_EXCLUDED,
            reason=gettext("%(name)s is excluded from this campaign: %(reason)s")
            % {"name": target.name, "reason": target.excluded_reason or gettext("no reason given")},
        )


# --- adding targets ------------------------------------------------------------------------------------------------


def unsubscribed_on(emails: Iterable[str]) -> dict[str, datetime.datetime]:
    """Which of these addresses asked for no more campaign email, and when (keys lower-cased)."""
    wanted = {email.strip().lower() for email in emails if email}
    if not wanted:
        return {}
    return dict(
        Unsubscription.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .values_list("address", "created_at")
    )


def _exclusion_reasons(campaign: Campaign, candidates: list[Candidate]) -> list[str]:
    """Why each candidate cannot be emailed ("" when it can): an email campaign honours every earlier
    unsubscribe, and keeps those it cannot reach on the list so that they are counted, not forgotten."""
    if campaign.campaign_type != CampaignType.EMAIL:
        return ["" for _candidate in candidates]
    unsubscribed = unsubscribed_on(candidate.email for candidate in candidates)
    reasons = []
    for candidate in candidates:
        address = candidate.email.strip().lower()
        if not address:
            reasons.append(gettext("No email address."))
        elif address in unsubscribed:
            reasons.append(
                gettext("Unsubscribed on %(date)s.")
                % {"date": date_format(timezone.localtime(unsubscribed[address]), "SHORT_DATE_FORMAT")}
            )
        else:
            reasons.append("")
    return reasons


def _target_built(campaign: Campaign, candidate: Candidate, excluded_reason: str) -> CampaignTarget:
    return CampaignTarget(
        campaign=campaign,
        source=candidate.source,
        party=candidate.party,
        lead=candidate.lead,
        opportunity=candidate.opportunity,
        name=candidate.name[:200],
        contact_name=candidate.contact_name[:200],
        email=candidate.email,
        phone=candidate.phone[:40],
        street=candidate.street[:200],
        postcode=candidate.postcode[:20],
        city=candidate.city[:100],
        country=candidate.country[:2],
        language=candidate.language[:5],
        status=TargetStatus.EXCLUDED if excluded_reason else TargetStatus.PENDING,
        excluded_reason=excluded_reason[:200],
    )


def _closed_records_errors(candidates: list[Candidate]) -> dict[str, str]:
    errors = {}
    for candidate in candidates:
        lead, opportunity = candidate.lead, candidate.opportunity
        if opportunity is not None and opportunity.state != OpportunityState.OPEN:
            errors["opportunities"] = gettext(
                "Opportunity %(number)s is %(state)s: only open opportunities can be targeted."
            ) % {"number": opportunity.number, "state": opportunity.get_state_display()}
        elif opportunity is None and lead is not None and lead.state not in (LeadState.NEW, LeadState.QUALIFIED):
            errors["leads"] = gettext("Lead %(number)s is %(state)s: only open leads can be targeted.") % {
                "number": lead.number,
                "state": lead.get_state_display(),
            }
    return errors


@transaction.atomic
def campaign_targets_add(
    *,
    campaign: Campaign,
    by: User,
    filters: dict | None = None,
    segment: Segment | None = None,
    parties: Sequence[Party | int] = (),
    leads: Sequence[Lead | int] = (),
    opportunities: Sequence[Opportunity | int] = (),
    save_as: str = "",
) -> TargetsAdded:
    """Add everyone a segment or filter set selects, and/or the records named one by one.

    Those already on the campaign (the same party or lead) are skipped and counted; naming a single record
    that is already a target is refused instead, since the clerk asked for exactly that one. ``save_as`` saves
    the filters as a segment under that name first: both happen, or neither."""
    campaign = lock_campaign(campaign.pk)
    _refuse_unless_changeable(campaign)
    saved = None
    if save_as.strip() and filters is not None:
        saved = segment_create(by=by, name=save_as.strip(), filters=filters)
        segment, filters = saved, None
    parties, leads, opportunities = list(parties), list(leads), list(opportunities)
    if segment is not None and filters is not None:
        raise ValidationFailed(field_errors={"segment": gettext("Choose a saved segment or filters, not both.")})
    if segment is None and filters is None and not (parties or leads or opportunities):
        raise ValidationFailed(
            field_errors={
                "filters": gettext("Choose a segment, filters or the parties, leads or opportunities to add.")
            }
        )
    candidates: list[Candidate] = []
    if parties or leads or opportunities:
        explicit = explicit_candidates(parties=parties, leads=leads, opportunities=opportunities)
        errors = _closed_records_errors(explicit)
        if errors:
            raise ValidationFailed(field_errors=errors)
        candidates += explicit
    if segment is not None or filters is not None:
        candidates += segment_candidates(filters=segment.filters if segment is not None else filters)

    taken_parties, taken_leads = target_keys(campaign=campaign)
    fresh: list[Candidate] = []
    skipped = 0
    for candidate in candidates:
        if (candidate.party_id and candidate.party_id in taken_parties) or (
            candidate.lead_id and candidate.lead_id in taken_leads
        ):
            skipped += 1
            continue
        if candidate.party_id:
            taken_parties.add(candidate.party_id)
        if candidate.lead_id:
            taken_leads.add(candidate.lead_id)
        fresh.append(candidate)

    requested = {"parties": len(parties), "leads": len(leads), "opportunities": len(opportunities)}
    single = segment is None and filters is None and sum(requested.values()) == 1
    if single and skipped:
        field = next(name for name, count in requested.items() if count)
        raise ValidationFailed(
            code=ErrorCode.TARGET_EXISTS,
            field_errors={
                field: gettext("%(name)s is already a target of campaign %(number)s.")
                % {"name": candidates[0].name, "number": campaign.number}
            },
        )
    reasons = _exclusion_reasons(campaign, fresh)
    CampaignTarget.objects.bulk_create(
        [_target_built(campaign, candidate, reason) for candidate, reason in zip(fresh, reasons, strict=True)],
        batch_size=500,
    )
    return TargetsAdded(
        added=len(fresh), skipped=skipped, excluded=sum(1 for reason in reasons if reason), saved_segment=saved
    )


@transaction.atomic
def campaign_target_remove(*, target: CampaignTarget, by: User) -> Campaign:
    campaign, target = _campaign_and_target(target)
    if campaign.state != CampaignState.PLANNED:
        raise TransitionRefused(
            code=ErrorCode.CAMPAIGN_NOT_PLANNED,
            reason=gettext("Campaign %(number)s is %(state)s: targets can only be removed while it is planned.")
            % {"number": campaign.number, "state": campaign.get_state_display()},
        )
    target.delete()
    return campaign


# --- telemarketing -------------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_calls_assign(*, campaign: Campaign, users: Sequence, by: User) -> int:
    """Split the targets nobody calls yet evenly between ``users``: round robin over the targets by name,
    the users in the order of their ids, so the same request always gives the same call lists."""
    campaign = lock_campaign(campaign.pk)
    _refuse_unless_changeable(campaign)
    if campaign.campaign_type != CampaignType.TELEMARKETING:
        raise TransitionRefused(
            code=ErrorCode.NOT_TELEMARKETING,
            reason=gettext("Campaign %(number)s is a %(type)s campaign: call lists are for telemarketing.")
            % {"number": campaign.number, "type": campaign.get_campaign_type_display().lower()},
        )
    callers = sorted({user.pk: user for user in users}.values(), key=lambda user: user.pk)
    if not callers:
        raise ValidationFailed(field_errors={"users": gettext("Choose who makes the calls.")})
    inactive = [user for user in callers if not user.is_active]
    if inactive:
        raise ValidationFailed(
            field_errors={"users": gettext("%(user)s is no longer active.") % {"user": inactive[0].get_username()}}
        )
    open_ids = list(
        campaign.targets.select_for_update()
        .filter(status=TargetStatus.PENDING, assigned_to__isnull=True)
        .order_by("name", "id")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for index, user in enumerate(callers):
        share = open_ids[index :: len(callers)]
        if share:
            CampaignTarget.objects.filter(pk__in=share).update(assigned_to=user, updated_at=now)
    return len(open_ids)


def _mark_contacted(target: CampaignTarget, now: datetime.datetime) -> None:
    if target.status == TargetStatus.PENDING:
        target.status = TargetStatus.CONTACTED
    if target.contacted_at is None:
        target.contacted_at = now


@transaction.atomic
def target_call_log(
    *,
    target: CampaignTarget,
    by: User,
    outcome: str,
    note: str = "",
    response: str | None = None,
    start: str = SalesStart.NONE,
    follow_up_at: datetime.datetime | None = None,
) -> CampaignTarget:
    """Log a call made to the target (a done call activity), and optionally record the response it gave —
    a positive one may start the sales process right away, as ``target_respond`` does — and plan the next call."""
    campaign, target = _campaign_and_target(target)
    _refuse_unless_active(campaign, gettext("Campaign %(number)s is %(state)s: calls are logged while it is active."))
    _refuse_if_excluded(target)
    now = timezone.now()
    errors = {}
    if outcome not in CallOutcome.values:
        errors["outcome"] = gettext("Choose how the call went.")
    if response and response not in Response.values:
        errors["response"] = gettext("Unknown response '%(response)s'.") % {"response": response}
    if (start or SalesStart.NONE) != SalesStart.NONE and not response:
        errors["start"] = gettext("Record the positive response to start the sales process.")
    if follow_up_at is not None and follow_up_at <= now:
        errors["follow_up_at"] = gettext("The follow-up call must be in the future.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    activity_create(
        by=by,
        activity_type=ActivityType.CALL,
        subject=gettext("Call: %(campaign)s") % {"campaign": campaign.name},
        owner=by,
        notes=note,
        party=target.party,
        lead=target.lead,
        opportunity=target.opportunity,
        campaign=campaign,
        campaign_target=target,
        done=True,
        outcome=outcome,
    )
    _mark_contacted(target, now)
    target.save()
    if response:
        target = target_respond(target=target, by=by, response=response, note=note, start=start)
    if follow_up_at is not None:
        activity_create(
            by=by,
            activity_type=ActivityType.CALL,
            subject=gettext("Call back: %(name)s") % {"name": target.name},
            due_at=follow_up_at,
            notes=note,
            party=target.party,
            lead=target.lead,
            opportunity=target.opportunity,
            campaign=campaign,
            campaign_target=target,
        )
    return target


# --- mailing -------------------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_mark_mailed(*, campaign: Campaign, by: User) -> int:
    """The letters went out: every target not yet contacted (and not excluded) is now contacted."""
    campaign = lock_campaign(campaign.pk)
    if campaign.campaign_type != CampaignType.MAILING:
        raise TransitionRefused(
            code=ErrorCode.NOT_MAILING,
            reason=gettext("Campaign %(number)s is a %(type)s campaign: only mailings are marked as mailed.")
            % {"number": campaign.number, "type": campaign.get_campaign_type_display().lower()},
        )
    _refuse_unless_active(
        campaign, gettext("Campaign %(number)s is %(state)s: activate it before marking the mailing as sent.")
    )
    now = timezone.now()
    return campaign.targets.filter(status=TargetStatus.PENDING).update(
        status=TargetStatus.CONTACTED, contacted_at=now, updated_at=now
    )


# --- responses -----------------------------------------------------------------------------------------------------


def _unsubscription_record(target: CampaignTarget) -> Unsubscription | None:
    address = target.email.strip().lower()
    if not address:
        return None
    found = Unsubscription.objects.filter(email__iexact=address).first()
    if found is not None:
        return found
    return Unsubscription.objects.create(email=address, party=target.party, campaign_id=target.campaign_id)


def _response_record(target: CampaignTarget, *, by: User, response: str, note: str, date: datetime.date | None) -> None:
    target.response = response
    target.response_date = date or timezone.localdate()
    target.response_note = note or ""
    target.responded_by = by
    target.status = TargetStatus.RESPONDED
    if target.contacted_at is None:
        target.contacted_at = timezone.now()
    if response == Response.UNSUBSCRIBED:
        _unsubscription_record(target)


def _revenue(value) -> Decimal:
    return amount_clean(value, field="expected_revenue", negative=gettext("Expected revenue cannot be negative."))


def _respond_errors(target: CampaignTarget, *, response: str, start: str, date) -> dict[str, str]:
    errors = {}
    if response not in Response.values:
        errors["response"] = gettext("Choose a response: positive, negative, no answer or unsubscribed.")
    if date is not None and date > timezone.localdate():
        errors["date"] = gettext("A response cannot be dated in the future.")
    if start not in SalesStart.values:
        errors["start"] = gettext("Unknown way to start the sales process '%(start)s'.") % {"start": start}
    elif start != SalesStart.NONE:
        if response != Response.POSITIVE:
            errors["start"] = gettext("Only a positive response starts the sales process.")
        elif target.created_lead_id or target.created_opportunity_id:
            errors["start"] = gettext("The sales process with %(name)s has already started from this campaign.") % {
                "name": target.name
            }
        elif start == SalesStart.LEAD and target.lead_id:
            errors["start"] = gettext("%(name)s is already lead %(number)s: create an opportunity instead.") % {
                "name": target.name,
                "number": target.lead.number,
            }
    return errors


def _lead_started(target: CampaignTarget, *, by: User, note: str) -> Lead:
    person = target.party is not None and target.party.kind == PartyKind.PERSON
    return lead_create(
        by=by,
        company_name="" if person else target.name,
        contact_name=target.name if person else target.contact_name,
        email=target.email,
        phone=target.phone,
        postcode=target.postcode,
        city=target.city,
        country=target.country,
        source=LeadSource.CAMPAIGN,
        campaign=target.campaign,
        party=target.party,
        owner=by,
        notes=note,
    )


def _party_for(target: CampaignTarget, *, by: User) -> Party:
    """The party an opportunity needs. A target that is only a lead becomes a prospect made of the lead's data
    (with its contact person); when exactly one party looks like it already, that party is the one."""
    if target.party is not None:
        return target.party
    lead = target.lead
    try:
        party, _contact = lead_prospect_create(lead=lead, by=by)
    except PartyDuplicates as exc:
        found = exc.duplicates[0] if len(exc.duplicates) == 1 else None
        if found is None or target.campaign.targets.filter(party=found).exists():
            raise ValidationFailed(code=exc.code, field_errors={"start": exc.reason}) from exc
        party = found
    if lead.party_id is None and lead.state in (LeadState.NEW, LeadState.QUALIFIED):
        # The lead and the opportunity it led to hang on the same party from now on.
        lead_update(lead=lead, by=by, party=party)
    target.party = party
    return party


def _opportunity_started(
    target: CampaignTarget, *, by: User, name: str, expected_revenue: Decimal, note: str
) -> Opportunity:
    party = _party_for(target, by=by)
    return opportunity_create(
        by=by,
        party=party,
        name=name or gettext("%(campaign)s: %(name)s") % {"campaign": target.campaign.name, "name": target.name},
        owner=by,
        expected_revenue=expected_revenue,
        campaign=target.campaign,
        lead=target.lead,
        description=note,
    )


@transaction.atomic
def target_respond(
    *,
    target: CampaignTarget,
    by: User,
    response: str,
    note: str = "",
    date: datetime.date | None = None,
    start: str = SalesStart.NONE,
    opportunity_name: str = "",
    expected_revenue: Decimal | None = None,
) -> CampaignTarget:
    """Record how the target responded; a positive response may start the sales process in the same action
    (a lead or an opportunity attributed to the campaign). Nothing is written when any part is refused."""
    campaign, target = _campaign_and_target(target)
    reason = campaign.refusal_reason("respond")
    if reason:
        raise TransitionRefused(code=ErrorCode.CAMPAIGN_NOT_ACTIVE, reason=reason)
    _refuse_if_excluded(target)
    start = start or SalesStart.NONE
    note = (note or "").strip()
    errors = _respond_errors(target, response=response, start=start, date=date)
    revenue = ZERO
    try:
        revenue = _revenue(expected_revenue)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    _response_record(target, by=by, response=response, note=note, date=date)
    if start == SalesStart.LEAD:
        target.created_lead = _lead_started(target, by=by, note=note)
    elif start == SalesStart.OPPORTUNITY:
        target.created_opportunity = _opportunity_started(
            target, by=by, name=(opportunity_name or "").strip(), expected_revenue=revenue, note=note
        )
    target.save()
    return target


@transaction.atomic
def target_unsubscribe(*, target: CampaignTarget, by: User) -> CampaignTarget:
    """The recipient's own "no more email" (the link in every campaign email): honoured whatever state the
    campaign is in, and idempotent, so a second click changes nothing."""
    target = lock_target(target.pk)
    if target.response == Response.UNSUBSCRIBED:
        _unsubscription_record(target)
        return target
    target.response = Response.UNSUBSCRIBED
    target.response_date = timezone.localdate()
    target.responded_by = by
    if target.status != TargetStatus.EXCLUDED:
        target.status = TargetStatus.RESPONDED
    _unsubscription_record(target)
    target.save()
    return target
