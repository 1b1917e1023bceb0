"""Opportunities: recording them, moving them through the pipeline stages, and closing them as won (once a
sales document was made for them) or lost (with a reason)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from core.money import HUNDRED, ZERO, decimal_or_none, round_money
from core.numbering import number_take
from core.transitions import transition_run
from marketing.errors import ErrorCode
from marketing.lock_objects import lock_opportunity
from marketing.models import Campaign, Contact, Lead, Opportunity, OpportunityStage, Party
from marketing.selectors.opportunities import stage_list

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a clerk may change on an open opportunity; the stage moves through opportunity_stage_set.
OPPORTUNITY_FIELDS = (
    "name",
    "party",
    "owner",
    "expected_revenue",
    "probability",
    "expected_close_date",
    "campaign",
    "contact",
    "description",
)
NAME_MAX_LENGTH = Opportunity._meta.get_field("name").max_length
REASON_MAX_LENGTH = Opportunity._meta.get_field("lost_reason").max_length
PERCENT_QUANTUM = Decimal("0.01")


def first_active_stage() -> OpportunityStage | None:
    return stage_list(active=True).first()


def _decimal(value, field: str, errors: dict[str, str]) -> Decimal | None:
    number = decimal_or_none(value)
    if number is None:
        errors[field] = gettext("'%(value)s' is not a number.") % {"value": value}
    return number


def _stage_errors(stage: OpportunityStage | None) -> dict[str, str]:
    if stage is None:
        return {"stage": gettext("No pipeline stage is active: set the stages up in the admin first.")}
    if not stage.active:
        return {"stage": gettext("Stage %(stage)s is no longer used: choose an active stage.") % {"stage": stage.name}}
    return {}


def _errors(opportunity: Opportunity) -> dict[str, str]:
    """Check and normalize the opportunity's own data; every problem is reported at once, by field."""
    errors: dict[str, str] = {}
    opportunity.name = (opportunity.name or "").strip()
    opportunity.description = (opportunity.description or "").strip()
    if not opportunity.name:
        errors["name"] = gettext("An opportunity needs a subject.")
    elif len(opportunity.name) > NAME_MAX_LENGTH:
        errors["name"] = gettext("Use at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}
    if opportunity.party_id is None:
        errors["party"] = gettext("Choose the party the opportunity is with.")
    revenue = _decimal(opportunity.expected_revenue, "expected_revenue", errors)
    if revenue is not None:
        if revenue < ZERO:
            errors["expected_revenue"] = gettext("Expected revenue cannot be negative.")
        else:
            opportunity.expected_revenue = round_money(revenue)
    probability = _decimal(opportunity.probability, "probability", errors)
    if probability is not None:
        if not ZERO <= probability <= HUNDRED:
            errors["probability"] = gettext("Probability must be between 0 and 100 %.")
        else:
            opportunity.probability = probability.quantize(PERCENT_QUANTUM)
    if opportunity.contact_id and opportunity.contact.party_id != opportunity.party_id:
        errors["contact"] = gettext("%(name)s is not a contact person of this party.") % {
            "name": opportunity.contact.name
        }
    if opportunity.owner_id and not opportunity.owner.is_active:
        errors["owner"] = gettext("%(user)s is no longer active: choose another owner.") % {"user": opportunity.owner}
    return errors


def _validated(opportunity: Opportunity) -> Opportunity:
    errors = _errors(opportunity)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return opportunity


@transaction.atomic
def opportunity_create(
    *,
    by: User,
    party: Party,
    name: str,
    stage: OpportunityStage | None = None,
    owner=None,
    expected_revenue: Decimal = Decimal("0"),
    probability: Decimal | None = None,
    expected_close_date: datetime.date | None = None,
    campaign: Campaign | None = None,
    lead: Lead | None = None,
    contact: Contact | None = None,
    description: str = "",
) -> Opportunity:
    """A new open opportunity; it starts in the first active stage unless told otherwise, with that stage's
    default probability unless one is given."""
    stage = stage or first_active_stage()
    stage_errors = _stage_errors(stage)
    opportunity = Opportunity(
        created_by=by,
        party=party,
        name=name,
        stage=stage,
        owner=owner,
        expected_revenue=ZERO if expected_revenue is None else expected_revenue,
        probability=(stage.probability if stage else ZERO) if probability is None else probability,
        expected_close_date=expected_close_date,
        campaign=campaign,
        lead=lead,
        contact=contact,
        description=description,
    )
    errors = {**stage_errors, **_errors(opportunity)}
    if errors:
        raise ValidationFailed(field_errors=errors)
    opportunity.number = number_take(code="opportunity")
    opportunity.save()
    return opportunity


def _open_checked(opportunity: Opportunity) -> None:
    reason = opportunity.refusal_reason("edit")
    if reason:
        raise TransitionRefused(code=ErrorCode.OPPORTUNITY_CLOSED, reason=reason)


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, by: User, **fields) -> Opportunity:
    unknown = sorted(set(fields) - set(OPPORTUNITY_FIELDS))
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("This field cannot be changed.") for name in unknown})
    opportunity = lock_opportunity(opportunity.pk)
    _open_checked(opportunity)
    new_party = fields.get("party")
    if new_party is not None and new_party.pk != opportunity.party_id and opportunity.has_sales_document():
        # Its orders are with the old party's customer account: moving the deal would split it from them.
        raise ValidationFailed(
            field_errors={
                "party": gettext(
                    "Opportunity %(number)s already has a sales order with %(party)s: the party can no longer change."
                )
                % {"number": opportunity.number, "party": opportunity.party.name}
            }
        )
    for name, value in fields.items():
        setattr(opportunity, name, value)
    _validated(opportunity).save()
    return opportunity


@transaction.atomic
def opportunity_stage_set(*, opportunity: Opportunity, stage: OpportunityStage, by: User) -> Opportunity:
    """Move an open opportunity to a stage; its probability becomes the stage's default."""
    opportunity = lock_opportunity(opportunity.pk)
    _open_checked(opportunity)
    errors = _stage_errors(stage)
    if errors:
        raise ValidationFailed(field_errors=errors)
    opportunity.stage = stage
    opportunity.probability = stage.probability
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_stage_step(*, opportunity: Opportunity, by: User, step: int) -> Opportunity:
    """Move an open opportunity one active stage forward (``step=1``) or back (``step=-1``) in the pipeline."""
    if step not in (1, -1):
        raise ValidationFailed(field_errors={"step": gettext("Move one stage forward or back.")})
    opportunity = lock_opportunity(opportunity.pk)
    _open_checked(opportunity)
    stages = list(stage_list(active=True))
    ids = [stage.pk for stage in stages]
    position = ids.index(opportunity.stage_id) if opportunity.stage_id in ids else None
    if position is None:
        # An opportunity on a stage taken out of use re-enters the pipeline at its first stage.
        target = stages[0] if stages else None
    else:
        target = stages[position + step] if 0 <= position + step < len(stages) else None
    if target is None:
        context = {"number": opportunity.number, "stage": opportunity.stage.name}
        reason = (
            gettext("Opportunity %(number)s is in the last stage (%(stage)s): mark it won or lost instead.")
            if step == 1
            else gettext("Opportunity %(number)s is in the first stage (%(stage)s) already.")
        ) % context
        raise TransitionRefused(code=ErrorCode.OPPORTUNITY_NO_STAGE, reason=reason)
    return opportunity_stage_set(opportunity=opportunity, stage=target, by=by)


@transaction.atomic
def opportunity_win(*, opportunity: Opportunity, by: User) -> Opportunity:
    opportunity = lock_opportunity(opportunity.pk)
    transition_run(
        opportunity.win,
        by=by,
    )
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_lose(*, opportunity: Opportunity, by: User, reason: str) -> Opportunity:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": gettext("Say why the opportunity was lost.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            field_errors={"reason": gettext("Use at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}}
        )
    opportunity = lock_opportunity(opportunity.pk)
    transition_run(
        opportunity.lose,
        by=by,
        description=reason,
    )
    opportunity.save()
    return opportunity


# Pipeline stages (set up by the business in the admin)

STAGE_FIELDS = ("name", "sequence", "probability", "active")


def _stage_validated(stage: OpportunityStage) -> OpportunityStage:
    errors: dict[str, str] = {}
    stage.name = (stage.name or "").strip()
    if not stage.name:
        errors["name"] = gettext("A stage needs a name.")
    elif OpportunityStage.objects.filter(name__iexact=stage.name).exclude(pk=stage.pk).exists():
        errors["name"] = gettext("Stage %(name)s exists already.") % {"name": stage.name}
    probability = _decimal(stage.probability, "probability", errors)
    if probability is not None and not ZERO <= probability <= HUNDRED:
        errors["probability"] = gettext("Probability must be between 0 and 100 %.")
    if stage.sequence is None or int(stage.sequence) < 0:
        errors["sequence"] = gettext("The sequence is a number from 0 up.")
    if not stage.active and not OpportunityStage.objects.filter(active=True).exclude(pk=stage.pk).exists():
        errors["active"] = gettext("Keep at least one stage active: new opportunities start in the first one.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    return stage


@transaction.atomic
def stage_create(
    *, by: User, name: str, sequence: int = 10, probability: Decimal = ZERO, active: bool = True
) -> OpportunityStage:
    stage = _stage_validated(OpportunityStage(name=name, sequence=sequence, probability=probability, active=active))
    stage.save()
    return stage


@transaction.atomic
def stage_update(*, stage: OpportunityStage, by: User, **fields) -> OpportunityStage:
    """Rename, reorder, re-weight or retire a stage. Open opportunities keep their probability; a retired
    stage's opportunities stay on it until moved (the pipeline shows active stages only)."""
    unknown = sorted(set(fields) - set(STAGE_FIELDS))
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("This field cannot be changed.") for name in unknown})
    # Locking every stage keeps two clerks from retiring the last two active stages at the same moment.
    list(OpportunityStage.objects.select_for_update().order_by("pk"))
    stage = OpportunityStage.objects.get(pk=stage.pk)
    for name, value in fields.items():
        setattr(stage, name, value)
    _stage_validated(stage).save()
    return stage
