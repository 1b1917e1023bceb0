"""Leads: recording them, qualifying or disqualifying them, and converting a qualified lead into a party
(prospect) with an opportunity, keeping its campaign."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from core.numbering import number_take
from core.transitions import transition_run
from marketing.choices import LeadSource, LeadState, PartyKind
from marketing.countries import country_checked
from marketing.errors import ErrorCode
from marketing.lock_objects import lock_lead
from marketing.models import Campaign, Contact, Lead, Opportunity, OpportunityStage, Party
from marketing.services.opportunities import opportunity_create
from marketing.services.parties import contact_create, party_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a clerk may change on a lead that is still being worked on (new or qualified).
LEAD_FIELDS = (
    "company_name",
    "contact_name",
    "email",
    "phone",
    "postcode",
    "city",
    "country",
    "source",
    "campaign",
    "party",
    "owner",
    "notes",
)
TEXT_FIELDS = ("company_name", "contact_name", "email", "phone", "postcode", "city", "country", "notes")
EDITABLE_STATES = (LeadState.NEW, LeadState.QUALIFIED)
NAME_MAX_LENGTH = Opportunity._meta.get_field("name").max_length


def lead_errors(lead: Lead) -> dict[str, str]:
    """Everything wrong with a lead's own data, by field name (nothing is saved). The CSV import judges each
    row with this too, so a file is held to exactly the rules of the form."""
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        setattr(lead, name, (getattr(lead, name) or "").strip())
    if not lead.company_name and not lead.contact_name:
        errors["company_name"] = gettext("A lead needs a company or a contact name.")
    if lead.email:
        try:
            validate_email(lead.email)
        except ValidationError:
            errors["email"] = gettext("'%(email)s' is not a valid email address.") % {"email": lead.email}
    lead.country = country_checked(lead.country, errors, required=False)
    if lead.source not in LeadSource.values:
        errors["source"] = gettext("Unknown source '%(source)s'; use one of: %(sources)s.") % {
            "source": lead.source,
            "sources": ", ".join(LeadSource.values),
        }
    for name in TEXT_FIELDS:
        limit = Lead._meta.get_field(name).max_length
        if limit and len(getattr(lead, name)) > limit and name not in errors:
            errors[name] = gettext("Use at most %(max)d characters.") % {"max": limit}
    if lead.owner_id and not lead.owner.is_active:
        errors["owner"] = gettext("%(user)s is no longer active: choose another owner.") % {"user": lead.owner}
    return errors


def _validated(lead: Lead) -> Lead:
    errors = lead_errors(lead)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return lead


@transaction.atomic
def lead_create(
    *,
    by: User,
    company_name: str = "",
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "",
    source: str = LeadSource.WEB,
    campaign: Campaign | None = None,
    party: Party | None = None,
    owner=None,
    notes: str = "",
) -> Lead:
    lead = _validated(
        Lead(
            created_by=by,
            company_name=company_name,
            contact_name=contact_name,
            email=email,
            phone=phone,
            postcode=postcode,
            city=city,
            country=country,
            source=source,
            campaign=campaign,
            party=party,
            owner=owner,
            notes=notes,
        )
    )
    lead.number = number_take(code="lead")
    lead.save()
    return lead


def _editable_checked(lead: Lead) -> None:
    reason = lead.refusal_reason("edit")
    if reason:
        raise TransitionRefused(code=ErrorCode.LEAD_NOT_EDITABLE, reason=reason)


@transaction.atomic
def lead_update(*, lead: Lead, by: User, **fields) -> Lead:
    unknown = sorted(set(fields) - set(LEAD_FIELDS))
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("This field cannot be changed.") for name in unknown})
    lead = lock_lead(lead.pk)
    _editable_checked(lead)
    for name, value in fields.items():
        setattr(lead, name, value)
    _validated(lead).save()
    return lead


@transaction.atomic
def lead_qualify(*, lead: Lead, by: User) -> Lead:
    lead = lock_lead(lead.pk)
    transition_run(lead.qualify, by=by)
    lead.save()
    return lead


@transaction.atomic
def lead_disqualify(*, lead: Lead, by: User, reason: str) -> Lead:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": gettext("Say why the lead is disqualified.")})
    if len(reason) > Lead._meta.get_field("disqualify_reason").max_length:
        raise ValidationFailed(field_errors={"reason": gettext("Keep the reason under 300 characters.")})
    lead = lock_lead(lead.pk)
    transition_run(
        lead.disqualify,
        by=by,
        description=reason,
    )
    lead.save()
    return lead


@transaction.atomic
def lead_prospect_create(*, lead: Lead, by: User, allow_duplicate: bool = False) -> tuple[Party, Contact | None]:
    """A prospect made of the lead's own data: an organization with the lead's contact as its contact person,
    or the person itself when the lead names no company. Refused with the look-alikes (PartyDuplicates)
    when the party probably exists already, so the clerk can pick it instead."""
    is_person = not lead.company_name
    fields = {
        "kind": PartyKind.PERSON if is_person else PartyKind.ORGANIZATION,
        "name": lead.contact_name if is_person else lead.company_name,
        "email": lead.email,
        "phone": lead.phone,
        "postcode": lead.postcode,
        "city": lead.city,
    }
    if lead.country:
        fields["country"] = lead.country
    party = party_create(by=by, allow_duplicate=allow_duplicate, **fields)
    contact = None
    if not is_person and lead.contact_name:
        contact = contact_create(party=party, by=by, name=lead.contact_name, email=lead.email, phone=lead.phone)
    return party, contact


def _contact_named(party: Party, name: str) -> Contact | None:
    if not name:
        return None
    return Contact.objects.filter(party=party, name__iexact=name.strip()).order_by("id").first()


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    by: User,
    party: Party | None = None,
    opportunity_name: str | None = None,
    expected_revenue: Decimal = Decimal("0"),
    stage: OpportunityStage | None = None,
    expected_close_date: datetime.date | None = None,
    allow_duplicate_party: bool = False,
) -> Opportunity:
    """Turn a qualified lead into an opportunity on a party: the given party, else the lead's own, else a new
    prospect made from the lead's data. The opportunity keeps the lead's campaign and owner. All or nothing:
    a refusal (state, duplicate party, opportunity data) leaves lead, parties and opportunities as they were."""
    lead = lock_lead(lead.pk)
    # The state is checked before anything is created; a later refusal rolls the whole conversion back.
    transition_run(lead.convert, by=by)
    contact = None
    if party is None and lead.party_id:
        party = lead.party
    if party is None:
        party, contact = lead_prospect_create(lead=lead, by=by, allow_duplicate=allow_duplicate_party)
    elif party.kind == PartyKind.ORGANIZATION:
        contact = _contact_named(party, lead.contact_name)
    opportunity = opportunity_create(
        by=by,
        party=party,
        name=(opportunity_name or "").strip() or lead.display_name[:NAME_MAX_LENGTH],
        stage=stage,
        owner=lead.owner or by,
        expected_revenue=expected_revenue,
        expected_close_date=expected_close_date,
        campaign=lead.campaign,
        lead=lead,
        contact=contact,
        description=lead.notes,
    )
    lead.party = party
    lead.save()
    return opportunity
