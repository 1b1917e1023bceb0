"""Sales orders that come from marketing: an order made for an opportunity (the moment a prospect becomes a
customer, DESIGN.md §3, and what lets the opportunity be marked won), and the attribution an order carries —
campaign → opportunity → order — so revenue per campaign is a query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import OpportunityState
from marketing.errors import ErrorCode as MarketingErrorCode
from marketing.lock_objects import lock_opportunity
from marketing.models import Campaign, Opportunity
from salesapp.models import Customer, SalesOrder
from salesapp.services.customers import customer_create_from_template
from salesapp.services.orders import order_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _attribution_errors(*, customer: Customer, opportunity: Opportunity | None, campaign: Campaign | None) -> dict:
    errors = {}
    if opportunity is None:
        return errors
    if opportunity.party_id != customer.party_id:
        errors["opportunity"] = gettext("Opportunity %(number)s is with another party than customer %(customer)s.") % {
            "number": opportunity.number,
            "customer": customer.number,
        }
    elif opportunity.state != OpportunityState.OPEN:
        errors["opportunity"] = gettext(
            "Opportunity %(number)s is %(state)s: orders are made for open opportunities only."
        ) % {"number": opportunity.number, "state": opportunity.get_state_display()}
    if campaign is not None and opportunity.campaign_id and campaign.pk != opportunity.campaign_id:
        errors["campaign"] = gettext(
            "Opportunity %(number)s came from campaign %(campaign)s: leave the campaign empty or choose that one."
        ) % {
            "number": opportunity.number,
            "campaign": opportunity.campaign.number,
        }
    return errors


@transaction.atomic
def order_create_attributed(
    *, customer: Customer, by: User, opportunity: Opportunity | None = None, campaign: Campaign | None = None, **order
) -> SalesOrder:
    """order_create, plus the opportunity and campaign the order came from; the campaign defaults to the
    opportunity's. An opportunity must be open and with the order's customer."""
    if opportunity is not None:
        opportunity = lock_opportunity(opportunity.pk)
    errors = _attribution_errors(customer=customer, opportunity=opportunity, campaign=campaign)
    if errors:
        raise ValidationFailed(field_errors=errors)
    created = order_create(customer=customer, by=by, **order)
    # order_create knows nothing of marketing; the attribution is stamped in the same transaction.
    created.opportunity = opportunity
    created.campaign = campaign or (opportunity.campaign if opportunity else None)
    created.save(update_fields=["opportunity", "campaign", "updated_at"])
    return created


@transaction.atomic
def order_create_for_opportunity(*, opportunity: Opportunity, by: User) -> SalesOrder:
    """An open sales order without lines for the opportunity's party, carrying the opportunity and its campaign;
    a party without a customer account gets one with the template's terms first (customer_terms_for). The clerk
    adds the lines next."""
    opportunity = lock_opportunity(opportunity.pk)
    if opportunity.state != OpportunityState.OPEN:
        raise TransitionRefused(
            code=MarketingErrorCode.OPPORTUNITY_CLOSED,
            reason=gettext("Opportunity %(number)s is %(state)s: orders are made for open opportunities only.")
            % {"number": opportunity.number, "state": opportunity.get_state_display()},
        )
    customer = Customer.objects.filter(party=opportunity.party).first()
    if customer is None:
        customer = customer_create_from_template(party=opportunity.party, by=by)
    return order_create_attributed(customer=customer, lines=[], by=by, opportunity=opportunity)
