"""Quotations (DESIGN.md §4.2): making an offer, sending it as numbered revisions, and converting the revision
the customer accepted into a sales order.

Revisions: **sending creates the revision the customer sees.** The first send freezes r1. Revising a sent
quotation returns it to draft; the sent version stays frozen as its revision. The next send freezes r(N+1) when
the quotation was changed since rN, and sends rN again when it was not (the customer was sent the same offer
once more, so it keeps its number). The customer accepts one exact revision: the one last sent; naming an older
one is refused as stale.

Every transition is audited (django-fsm-log) and recorded as a done activity on the quotation and its party,
so it shows on both timelines."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import extensions
from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.events import event_record
from core.money import MAX_AMOUNT, document_totals, line_net
from core.numbering import number_take
from core.transitions import transition_row_changed, transition_run, transition_save, transitions_saved
from marketing.choices import ActivityType, OpportunityState, Response
from marketing.models import Campaign, CampaignTarget, Opportunity, Party
from marketing.services.activities import activity_create
from marketing.services.opportunities import opportunity_win
from salesapp import events
from salesapp.choices import LineType, PriceSource, QuotationLostReason, QuotationState
from salesapp.errors import ErrorCode
from salesapp.line_types import (
    DESCRIPTION_LENGTH,
    TEXT_LINE_TYPES,
    comment_line,
    continued_lines,
    is_comment,
    item_line_type,
    taxable,
    text_chunks,
    with_full_text,
)
from salesapp.lock_objects import lock_quotation, lock_quotation_lines
from salesapp.models import (
    Customer,
    Item,
    Quotation,
    QuotationLine,
    QuotationRevision,
    QuotationRevisionLine,
    SalesOrder,
    TaxCode,
)
from salesapp.models.customers import customer_blocked_refusal
from salesapp.selectors.pricing import Price, price_for, tax_code_for, tax_codes_for
from salesapp.selectors.quotations import prospect_tax_group_id
from salesapp.services.customers import customer_create_from_template
from salesapp.services.opportunity_orders import order_create_attributed
from salesapp.services.orders import (
    ITEM_TERMS,
    OWN_PRICE,
    LineTerms,
    OrderLineInput,
    line_input_errors,
    line_price_override_guard,
    line_prices,
    line_tax_codes,
    lines_resolved,
    next_line_no,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class QuotationLineInput:
    item: Item | None
    quantity: Decimal
    unit_price: Decimal | None = None  # None: priced by price_for
    discount_percent: Decimal | None = None  # None: the discount price_for gives
    description: str = ""
    line_type: str = ""  # "" takes the type from the item (salesapp.line_types)
    price_confirmed: bool = False  # a zero or below-cost price needs it (price_warning)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
HEADER_TEXT_LIMITS = {"external_document_number": 100}


def _line_errors(
    line: QuotationLineInput, prefix: str, *, quotation_date: datetime.date, price: Price | None = None
) -> dict[str, str]:
    # The same bounds as an order line, and with the engine's ``price`` the same confirmation of a zero or
    # below-cost price: a quotation's lines become an order's.
    return line_input_errors(
        OrderLineInput(
            item=line.item,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            description=line.description,
            line_type=line.line_type,
            price_confirmed=line.price_confirmed,
        ),
        prefix,
        order_date=quotation_date,
        price=price,
    )


def _lines_checked(
    lines: list[QuotationLineInput],
    prefix,
    *,
    customer: Customer | None,
    date: datetime.date,
    currency: str,
) -> tuple[dict[str, str], list[Price | None]]:
    """The lines' errors keyed by ``prefix(index)``, and the engine's price of every line whose input is good
    (one look-up for all of them), so the amount bounds and the price confirmation are checked in one answer."""
    input_errors = [_line_errors(line, prefix(index), quotation_date=date) for index, line in enumerate(lines)]
    priceable = [index for index, found in enumerate(input_errors) if not found]
    priced = line_prices(customer, [lines[index] for index in priceable], date=date, currency=currency)
    prices: list[Price | None] = [None] * len(lines)
    errors: dict[str, str] = {}
    for found in input_errors:
        errors.update(found)
    for index, price in zip(priceable, priced, strict=True):
        prices[index] = price
        errors.update(_line_errors(lines[index], prefix(index), quotation_date=date, price=price))
    return errors, prices


def _one_line_checked(line: QuotationLineInput, quotation: Quotation) -> Price:
    """``_lines_checked`` for one line of ``quotation``, refusing with the errors keyed by field."""
    errors, [price] = _lines_checked(
        [line],
        lambda index: "line",
        customer=quotation.customer,
        date=quotation.quotation_date,
        currency=quotation.currency,
    )
    if errors:
        raise ValidationFailed(field_errors={key.removeprefix("line."): value for key, value in errors.items()})
    return price


def _line_build(
    quotation: Quotation,
    line: QuotationLineInput,
    *,
    line_no: int,
    price: Price | None = None,
    tax_code: TaxCode | None = None,
) -> list[QuotationLine]:
    """A line as the engine prices and taxes it, followed by the comment lines its text continues on; ``price``
    and ``tax_code`` when already looked up for several lines at once."""
    first, *rest = text_chunks(line.description) if line.line_type in TEXT_LINE_TYPES else [line.description]
    continuations = [
        comment_line(QuotationLine, text, line_no + offset, quotation=quotation)
        for offset, text in enumerate(rest, start=1)
    ]
    if is_comment(line):
        return [comment_line(QuotationLine, first, line_no, quotation=quotation), *continuations]
    item = line.item
    quantity = Decimal(str(line.quantity))
    if price is None and line.line_type == LineType.WRITE_IN:
        price = OWN_PRICE
    elif price is None:
        price = price_for(
            customer=quotation.customer,
            item=item,
            quantity=quantity,
            date=quotation.quotation_date,
            currency=quotation.currency,
        )
    if line.unit_price is None:
        unit_price, source = price.unit_price, price.source
    else:
        unit_price, source = Decimal(str(line.unit_price)), PriceSource.MANUAL
    if line.discount_percent is None:
        discount = price.discount_percent
    else:
        discount = Decimal(str(line.discount_percent))
        if discount != price.discount_percent:
            source = PriceSource.MANUAL
    built = QuotationLine(
        quotation=quotation,
        line_no=line_no,
        line_type=line.line_type if line.line_type == LineType.WRITE_IN else item_line_type(item),
        item=item,
        description=first or item.name,
        quantity=quantity,
        unit=item.unit,
        unit_price=unit_price,
        discount_percent=discount,
        price_source=source,
        tax_code=tax_code
        or tax_code_for(customer=quotation.customer, item=item, tax_group_id=prospect_tax_group_id(quotation)),
    )
    built.net_amount = line_net(quantity=quantity, unit_price=unit_price, discount_percent=discount)
    return [built, *continuations]


def _totals(lines) -> tuple[Decimal, Decimal, Decimal]:
    totals = document_totals(taxable(lines))
    return totals.net, totals.tax, totals.gross


def _totals_set(quotation: Quotation, lines) -> None:
    net, tax, gross = _totals(lines)
    if gross > MAX_AMOUNT:
        raise ValidationFailed(
            code=ErrorCode.QUOTATION_TOTAL_TOO_LARGE,
            field_errors={
                "lines": gettext("The quotation total %(total)s is more than the %(max)s a document may carry.")
                % {"total": f"{gross:f}", "max": f"{MAX_AMOUNT:f}"}
            },
        )
    quotation.amount_net, quotation.amount_tax, quotation.amount_total = net, tax, gross


def _valid_until_errors(valid_until: datetime.date | None, *, quotation_date: datetime.date) -> dict[str, str]:
    # The same window as every document date: a date the order made from it would refuse is refused here.
    if valid_until is not None and not date_in_window(valid_until):
        return {"valid_until": date_window_message()}
    if valid_until is not None and valid_until < quotation_date:
        return {
            "valid_until": gettext("A quotation cannot be valid until a day before its date (%(date)s).")
            % {"date": quotation_date.isoformat()}
        }
    return {}


def _ship_date_errors(requested_ship_date: datetime.date | None, *, quotation_date: datetime.date) -> dict[str, str]:
    if requested_ship_date is not None and not date_in_window(requested_ship_date):
        return {"requested_ship_date": date_window_message()}
    if requested_ship_date is not None and requested_ship_date < quotation_date:
        return {
            "requested_ship_date": gettext("The requested ship date cannot be before the quotation date (%(date)s).")
            % {"date": quotation_date.isoformat()}
        }
    return {}


def _attribution_errors(*, party_id: int, opportunity: Opportunity | None, campaign: Campaign | None) -> dict[str, str]:
    errors = {}
    if opportunity is None:
        return errors
    if opportunity.party_id != party_id:
        errors["opportunity"] = gettext("Opportunity %(number)s is with another party.") % {
            "number": opportunity.number
        }
    elif opportunity.state != OpportunityState.OPEN:
        errors["opportunity"] = gettext(
            "Opportunity %(number)s is %(state)s: quotations are made for open opportunities only."
        ) % {"number": opportunity.number, "state": opportunity.get_state_display()}
    if campaign is not None and opportunity.campaign_id and campaign.pk != opportunity.campaign_id:
        errors["campaign"] = gettext(
            "Opportunity %(number)s came from campaign %(campaign)s: leave the campaign empty or choose that one."
        ) % {"number": opportunity.number, "campaign": opportunity.campaign.number}
    return errors


def quotation_step_record(
    quotation: Quotation, subject: str, *, by: User, activity_type: str = ActivityType.TASK
) -> None:
    """The step on the timelines of the quotation and of its party, as a done activity."""
    party_id = quotation.customer.party_id if quotation.customer_id else quotation.party_id
    activity_create(
        by=by,
        activity_type=activity_type,
        subject=subject,
        owner=quotation.owner if quotation.owner.is_active else by,
        party=Party.objects.get(pk=party_id),
        opportunity=quotation.opportunity
        if quotation.opportunity_id and quotation.opportunity.party_id == party_id
        else None,
        campaign=quotation.campaign,
        document=quotation,
        done=True,
    )


@transaction.atomic
def quotation_create(
    *,
    by: User,
    lines: list[QuotationLineInput],
    customer: Customer | None = None,
    party: Party | None = None,
    valid_until: datetime.date | None = None,
    requested_ship_date: datetime.date | None = None,
    external_document_number: str = "",
    terms: str = "",
    owner: User | None = None,
    opportunity: Opportunity | None = None,
    campaign: Campaign | None = None,
) -> Quotation:
    """A draft quotation for a customer, or for a prospect party (one that has a customer account is quoted as
    that customer). The campaign defaults to the opportunity's."""
    lines = lines_resolved(lines)
    line_price_override_guard(lines, lambda index: f"lines[{index}].", by=by)
    errors: dict[str, str] = {}
    if customer is None and party is not None:
        customer = Customer.objects.select_related("party").filter(party=party).first()
        if customer is not None:
            party = None
    if (customer is None) == (party is None):
        errors["customer"] = gettext("Choose a customer or a prospect party (one of them).")
    if customer is not None and customer.blocked:
        errors["customer"] = customer_blocked_refusal(customer)
    today = timezone.localdate()
    owner = owner or by
    if not owner.is_active:
        errors["owner"] = gettext("%(user)s is no longer active: choose another owner.") % {"user": owner}
    errors.update(_valid_until_errors(valid_until, quotation_date=today))
    errors.update(_ship_date_errors(requested_ship_date, quotation_date=today))
    if len((external_document_number or "").strip()) > HEADER_TEXT_LIMITS["external_document_number"]:
        errors["external_document_number"] = gettext("Enter at most %(max)s characters.") % {"max": 100}
    currency = customer.currency if customer else settings.SALESFLOW_CUSTOMER_TEMPLATE["currency"]
    line_errors, prices = _lines_checked(
        lines, lambda index: f"lines[{index}]", customer=customer, date=today, currency=currency
    )
    errors.update(line_errors)
    if "customer" not in errors:
        party_id = customer.party_id if customer is not None else party.pk
        errors.update(_attribution_errors(party_id=party_id, opportunity=opportunity, campaign=campaign))
    if errors:
        raise ValidationFailed(field_errors=errors)
    quotation = Quotation(
        customer=customer,
        party=party,
        created_by=by,
        owner=owner,
        quotation_date=today,
        currency=currency,
        requested_ship_date=requested_ship_date,
        external_document_number=(external_document_number or "").strip(),
        terms=(terms or "").strip(),
        opportunity=opportunity,
        campaign=campaign or (opportunity.campaign if opportunity else None),
    )
    if valid_until is not None:
        quotation.valid_until = valid_until
    built = [
        stored
        for index, line in enumerate(lines)
        for stored in _line_build(quotation, line, line_no=(index + 1) * 10, price=prices[index])
    ]
    _totals_set(quotation, built)
    # The number is taken once the input is known to be good; a refusal above takes none.
    quotation.number = number_take(code="quotation")
    quotation.save()
    for line in built:
        line.quotation = quotation
    QuotationLine.objects.bulk_create(built)
    return quotation


def _ensure_editable(quotation: Quotation) -> None:
    reason = quotation.refusal_reason("edit")
    if reason:
        raise TransitionRefused(code=ErrorCode.QUOTATION_NOT_EDITABLE, reason=reason)


def _changed(quotation: Quotation, lines: list[QuotationLine], fields: list[str]) -> None:
    """A change to a draft: the totals follow the lines, and the quotation no longer equals its last revision."""
    _totals_set(quotation, lines)
    quotation.current_revision = None
    quotation.save(
        update_fields=[*fields, "amount_net", "amount_tax", "amount_total", "current_revision", "updated_at"]
    )


@transaction.atomic
def quotation_update(
    *,
    quotation: Quotation,
    by: User,
    valid_until: datetime.date = UNCHANGED,
    requested_ship_date: datetime.date | None = UNCHANGED,
    external_document_number: str = UNCHANGED,
    terms: str = UNCHANGED,
    owner: User = UNCHANGED,
) -> Quotation:
    """Change the header of a draft; arguments left out stay as they are."""
    quotation = lock_quotation(quotation.pk)
    _ensure_editable(quotation)
    errors: dict[str, str] = {}
    if valid_until is not UNCHANGED:
        if valid_until is None:
            errors["valid_until"] = gettext("A quotation needs a valid-until date.")
        else:
            errors.update(_valid_until_errors(valid_until, quotation_date=quotation.quotation_date))
    if requested_ship_date is not UNCHANGED:
        errors.update(_ship_date_errors(requested_ship_date, quotation_date=quotation.quotation_date))
    if external_document_number is not UNCHANGED and len(str(external_document_number).strip()) > 100:
        errors["external_document_number"] = gettext("Enter at most %(max)s characters.") % {"max": 100}
    if owner is not UNCHANGED and (owner is None or not owner.is_active):
        errors["owner"] = gettext("Choose an active owner.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    wanted = {
        "valid_until": valid_until,
        "requested_ship_date": requested_ship_date,
        "external_document_number": external_document_number
        if external_document_number is UNCHANGED
        else str(external_document_number).strip(),
        "terms": terms if terms is UNCHANGED else str(terms).strip(),
    }
    changed = [name for name, value in wanted.items() if value is not UNCHANGED and getattr(quotation, name) != value]
    for name in changed:
        setattr(quotation, name, wanted[name])
    if owner is not UNCHANGED and owner.pk != quotation.owner_id:
        # Who follows the quotation up is not part of the offer: the revision stays current.
        quotation.owner = owner
        quotation.save(update_fields=["owner", "updated_at"])
    if changed:
        _changed(quotation, list(quotation.lines.select_related("tax_code")), changed)
    return quotation


@transaction.atomic
def quotation_line_add(*, quotation: Quotation, line: QuotationLineInput, by: User) -> QuotationLine:
    [line] = lines_resolved([line])
    line_price_override_guard([line], lambda index: "", by=by)
    quotation = lock_quotation(quotation.pk)
    _ensure_editable(quotation)
    price = _one_line_checked(line, quotation)
    existing = lock_quotation_lines(quotation)
    created = _line_build(quotation, line, line_no=next_line_no(existing), price=price)
    _totals_set(quotation, [*existing, *created])
    QuotationLine.objects.bulk_create(created)
    _changed(quotation, [*existing, *created], [])
    return created[0]


@transaction.atomic
def quotation_line_update(
    *,
    quotation_line: QuotationLine,
    by: User,
    quantity: Decimal = UNCHANGED,
    unit_price: Decimal | None = UNCHANGED,
    discount_percent: Decimal | None = UNCHANGED,
    description: str = UNCHANGED,
    price_confirmed: bool = False,
) -> QuotationLine:
    """Change a line of a draft. A unit price or discount of None asks the pricing engine again. A price that
    becomes zero or below cost needs ``price_confirmed``; one that stays as it was does not ask again."""
    typed = SimpleNamespace(
        unit_price=None if unit_price is UNCHANGED else unit_price,
        discount_percent=None if discount_percent is UNCHANGED else discount_percent,
    )
    line_price_override_guard([typed], lambda index: "", by=by)
    quotation = lock_quotation(quotation_line.quotation_id)
    _ensure_editable(quotation)
    lines = lock_quotation_lines(quotation)
    line = next((x for x in lines if x.pk == quotation_line.pk), None)
    if line is None:
        raise ValidationFailed(field_errors={"line": gettext("This line is no longer on the quotation.")})
    keeps_price = unit_price is UNCHANGED and line.price_source == PriceSource.MANUAL
    wanted = QuotationLineInput(
        item=line.item,
        line_type=line.line_type if line.line_type in TEXT_LINE_TYPES else "",
        quantity=line.quantity if quantity is UNCHANGED else quantity,
        unit_price=(line.unit_price if keeps_price else None) if unit_price is UNCHANGED else unit_price,
        # An engine-priced line asks the engine again for both (a quantity break may change the discount too).
        discount_percent=(line.discount_percent if keeps_price else None)
        if discount_percent is UNCHANGED
        else discount_percent,
        description=line.description if description is UNCHANGED else str(description).strip(),
        price_confirmed=price_confirmed or (keeps_price and unit_price is UNCHANGED and discount_percent is UNCHANGED),
    )
    if description is not UNCHANGED and len(wanted.description) > DESCRIPTION_LENGTH:
        raise ValidationFailed(
            field_errors={"description": gettext("Enter at most %(max)s characters.") % {"max": DESCRIPTION_LENGTH}}
        )
    price = _one_line_checked(wanted, quotation)
    # An engine price is asked again (a quantity break may apply now); a typed one stays as typed.
    [rebuilt] = _line_build(quotation, wanted, line_no=line.line_no, price=price)
    for name in ("quantity", "unit_price", "discount_percent", "price_source", "description", "net_amount"):
        setattr(line, name, getattr(rebuilt, name))
    _totals_set(quotation, lines)
    line.save(update_fields=["quantity", "unit_price", "discount_percent", "price_source", "description", "net_amount"])
    _changed(quotation, lines, [])
    return line


@transaction.atomic
def quotation_line_remove(*, quotation_line: QuotationLine, by: User) -> Quotation:
    quotation = lock_quotation(quotation_line.quotation_id)
    _ensure_editable(quotation)
    lines = lock_quotation_lines(quotation)
    removed = set(
        QuotationLine.objects.filter(continued_lines(quotation_line), quotation=quotation).values_list("pk", flat=True)
    )
    QuotationLine.objects.filter(pk__in=removed).delete()
    _changed(quotation, [line for line in lines if line.pk not in removed], [])
    return quotation


@transaction.atomic
def quotation_lines_add(*, quotation: Quotation, lines: list[QuotationLineInput], by: User) -> list[QuotationLine]:
    """Add several lines to a draft at once (a standard line set), priced and taxed by the engine in one look-up
    each: all of them or, on a refusal, none."""
    lines = lines_resolved(lines)
    line_price_override_guard(lines, lambda index: f"lines[{index}].", by=by)
    quotation = lock_quotation(quotation.pk)
    _ensure_editable(quotation)
    errors, prices = _lines_checked(
        lines,
        lambda index: f"lines[{index}]",
        customer=quotation.customer,
        date=quotation.quotation_date,
        currency=quotation.currency,
    )
    if errors:
        raise ValidationFailed(field_errors=errors)
    existing = lock_quotation_lines(quotation)
    tax_codes = line_tax_codes(quotation.customer, lines, tax_group_id=prospect_tax_group_id(quotation))
    first = next_line_no(existing)
    created = [
        stored
        for index, line in enumerate(lines)
        for stored in _line_build(
            quotation,
            line,
            line_no=first + index * 10,
            price=prices[index],
            tax_code=None if is_comment(line) else tax_codes[line.item.pk],
        )
    ]
    _totals_set(quotation, [*existing, *created])
    QuotationLine.objects.bulk_create(created)
    _changed(quotation, [*existing, *created], [])
    return created


def _locked_draft_line(quotation_line: QuotationLine) -> tuple[Quotation, list[QuotationLine], QuotationLine]:
    quotation = lock_quotation(quotation_line.quotation_id)
    _ensure_editable(quotation)
    lines = lock_quotation_lines(quotation)
    line = next((x for x in lines if x.pk == quotation_line.pk), None)
    if line is None:
        raise ValidationFailed(field_errors={"line": gettext("This line is no longer on the quotation.")})
    return quotation, lines, line


def _terms_save(quotation: Quotation, lines: list[QuotationLine], line: QuotationLine) -> QuotationLine:
    _totals_set(quotation, lines)
    line.save(update_fields=[*ITEM_TERMS])
    _changed(quotation, lines, [])
    return line


@transaction.atomic
def quotation_line_item_replace(*, quotation_line: QuotationLine, item: Item, by: User) -> QuotationLine:
    """Put ``item`` on a draft's line in place of its item (an up-sell). The quantity stays; the price, discount,
    their source and the tax code come from the pricing engine as for a new line."""
    quotation, lines, line = _locked_draft_line(quotation_line)
    wanted = QuotationLineInput(item=item, quantity=line.quantity)
    price = _one_line_checked(wanted, quotation)
    [built] = _line_build(quotation, wanted, line_no=line.line_no, price=price)
    for name in ITEM_TERMS:
        setattr(line, name, getattr(built, name))
    return _terms_save(quotation, lines, line)


@transaction.atomic
def quotation_line_item_restore(*, quotation_line: QuotationLine, terms: LineTerms, by: User) -> QuotationLine:
    """Put back the item and terms ``terms`` recorded (undoing ``quotation_line_item_replace``), exactly as they
    were: the price is not asked again."""
    quotation, lines, line = _locked_draft_line(quotation_line)
    terms.put_back(line, code=ErrorCode.QUOTATION_NOT_EDITABLE)
    return _terms_save(quotation, lines, line)


@transaction.atomic
def quotation_delete(*, quotation: Quotation, by: User) -> None:
    """Delete a draft that was never sent; one that was keeps its revisions and is canceled instead."""
    quotation = lock_quotation(quotation.pk)
    _ensure_editable(quotation)
    if quotation.revision_count:
        raise TransitionRefused(
            code=ErrorCode.QUOTATION_NOT_EDITABLE,
            reason=gettext("Quotation %(number)s was sent (r%(revision)s): cancel it instead of deleting it.")
            % {"number": quotation.number, "revision": quotation.revision_count},
        )
    quotation.lines.all().delete()
    quotation.delete()


def _revision_freeze(quotation: Quotation, lines: list[QuotationLine], *, by: User) -> QuotationRevision:
    number = quotation.revision_count + 1
    revision = QuotationRevision.objects.create(
        quotation=quotation,
        number=number,
        customer=quotation.customer,
        party=quotation.party,
        quotation_date=quotation.quotation_date,
        valid_until=quotation.valid_until,
        currency=quotation.currency,
        requested_ship_date=quotation.requested_ship_date,
        external_document_number=quotation.external_document_number,
        terms=quotation.terms,
        amount_net=quotation.amount_net,
        amount_tax=quotation.amount_tax,
        amount_total=quotation.amount_total,
        created_by=by,
    )
    QuotationRevisionLine.objects.bulk_create(
        QuotationRevisionLine(
            revision=revision,
            **{
                name: getattr(line, name)
                for name in (
                    "line_no",
                    "line_type",
                    "item_id",
                    "description",
                    "quantity",
                    "unit",
                    "unit_price",
                    "discount_percent",
                    "price_source",
                    "tax_code_id",
                    "net_amount",
                )
            },
        )
        for line in lines
    )
    quotation.revision_count = number
    quotation.current_revision = number
    return revision


@transaction.atomic
def quotation_send(*, quotation: Quotation, by: User) -> Quotation:
    """Send a draft: freeze it as the next revision unless it still equals the last one sent."""
    quotation = lock_quotation(quotation.pk)
    lines = lock_quotation_lines(quotation)
    transition_run(quotation.send, by=by)
    if quotation.current_revision is None:
        _revision_freeze(quotation, lines, by=by)
    quotation.save(update_fields=["state", "sent_at", "revision_count", "current_revision", "updated_at"])
    quotation_step_record(
        quotation,
        gettext("Quotation %(number)s sent (r%(revision)s)")
        % {"number": quotation.number, "revision": quotation.current_revision},
        by=by,
    )
    return quotation


@transaction.atomic
def quotation_revise(*, quotation: Quotation, by: User) -> Quotation:
    """Back to draft for changes; the version sent stays frozen as its revision."""
    quotation = lock_quotation(quotation.pk)
    transition_run(quotation.revise, by=by)
    transition_save(quotation)
    quotation_step_record(
        quotation,
        gettext("Quotation %(number)s reopened for revision (r%(revision)s stays as sent)")
        % {"number": quotation.number, "revision": quotation.current_revision},
        by=by,
    )
    return quotation


def _revision_check(quotation: Quotation, revision: int) -> None:
    if quotation.state != QuotationState.SENT:
        return  # the transition says why a quotation in another state is not accepted
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        raise ValidationFailed(
            code=ErrorCode.QUOTATION_REVISION_UNKNOWN,
            field_errors={"revision": gettext("Name the revision the customer accepted, e.g. 2 for r2.")},
        ) from None
    if not 1 <= revision <= quotation.revision_count:
        raise ValidationFailed(
            code=ErrorCode.QUOTATION_REVISION_UNKNOWN,
            field_errors={
                "revision": gettext("Quotation %(number)s has no revision r%(revision)s.")
                % {"number": quotation.number, "revision": revision}
            },
        )
    if revision != quotation.current_revision:
        raise TransitionRefused(
            code=ErrorCode.QUOTATION_REVISION_STALE,
            reason=gettext(
                "r%(revision)s of quotation %(number)s is no longer the offer: the customer was last sent "
                "r%(current)s. Only r%(current)s can be accepted."
            )
            % {"revision": revision, "number": quotation.number, "current": quotation.current_revision},
        )


def _customer_for(quotation: Quotation, *, by: User) -> Customer:
    """The quotation's customer; a prospect party gets its account now, with the company's default terms."""
    if quotation.customer_id:
        return quotation.customer
    # The prospect may have become a customer since the quotation was made (an order for its opportunity).
    existing = Customer.objects.select_related("party").filter(party=quotation.party).first()
    if existing is not None:
        return existing
    return customer_create_from_template(party=quotation.party, by=by, currency=quotation.currency)


def _retaxed_for(customer: Customer, revision_lines: list[QuotationRevisionLine]) -> list[QuotationRevisionLine]:
    """A prospect's quotation was taxed before it had a tax group, with each item's own tax code: those lines take
    the code the account's group gives by the tax determination table. Copies: the accepted revision itself never
    changes (what the prospect was sent stays on record)."""
    defaults = [line for line in revision_lines if line.item_id and line.tax_code_id == line.item.tax_code_id]
    if not customer.tax_group_id or not defaults:
        return revision_lines
    codes = tax_codes_for(customer=customer, items=[line.item for line in defaults])
    retaxed = []
    for line in revision_lines:
        code = codes.get(line.item_id) if line in defaults else None
        if code is not None and code.pk != line.tax_code_id:
            line = copy.copy(line)
            line.tax_code = code
        retaxed.append(line)
    return retaxed


CONVERT_TO_ORDER = "order"


def quotation_order_convert(
    *, quotation: Quotation, revision_lines: list[QuotationRevisionLine], customer: Customer, by: User
) -> SalesOrder:
    """The accepted revision as a sales order (the quotation converter "order"): its lines, prices and price
    sources, the campaign and the opportunity while it is still open."""
    # The lines came through the revision's own manager, so each holds the revision: no query for it.
    accepted = (
        revision_lines[0].revision
        if revision_lines
        else QuotationRevision.objects.get(quotation=quotation, number=quotation.accepted_revision)
    )
    opportunity = quotation.opportunity
    if opportunity is not None and opportunity.state != OpportunityState.OPEN:
        opportunity = None  # already won or lost elsewhere: the order keeps the campaign only
    today = timezone.localdate()
    ship_date = (
        accepted.requested_ship_date if accepted.requested_ship_date and accepted.requested_ship_date >= today else None
    )
    order = order_create_attributed(
        customer=customer,
        by=by,
        opportunity=opportunity,
        campaign=quotation.campaign,
        requested_ship_date=ship_date,
        customer_reference=quotation.number,
        external_document_number=accepted.external_document_number,
        lines=[
            OrderLineInput(
                item=line.item,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                tax_code=line.tax_code,
                description=text,
                price_source=line.price_source,
                line_type=line.line_type if line.line_type in TEXT_LINE_TYPES else "",
            )
            # A continuation line goes with the line it continues: the order splits the text again.
            for line, text in with_full_text(revision_lines)
        ],
    )
    quotation.sales_order = order
    return order


def _converter(convert_to: str) -> extensions.QuotationConverter:
    converter = extensions.quotation_converters.get(convert_to)
    if converter is None:
        choices = ", ".join(f"'{known.name}' ({known.label})" for known in extensions.quotation_converters_sorted())
        raise ValidationFailed(
            code=ErrorCode.QUOTATION_CONVERSION_UNKNOWN,
            field_errors={
                "convert_to": gettext("'%(value)s' is not a document a quotation converts into: choose %(choices)s.")
                % {"value": convert_to, "choices": choices}
            },
        )
    return converter


@transaction.atomic
def quotation_accept(*, quotation: Quotation, revision: int, by: User, convert_to: str = CONVERT_TO_ORDER) -> Quotation:
    """The customer accepted revision ``revision`` (the one last sent): mark it accepted and convert it, with
    that revision's lines, prices and price sources, into the document ``convert_to`` names (a quotation
    converter, core.extensions: "order" for a sales order; "invoice" for an invoice draft when invoicing offers
    it). A prospect becomes a customer and an open opportunity is won, all in this transaction; a refusal
    changes nothing.

    The created document is on the returned quotation as ``converted_document``."""
    converter = _converter(convert_to)
    if not by.has_perm(converter.permission):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("You are not allowed to convert a quotation into this document: %(document)s.")
            % {"document": converter.label},
        )
    quotation = lock_quotation(quotation.pk)
    _revision_check(quotation, revision)
    # Saved at the end of the block with its log row and its event in one statement (core.transitions).
    with transitions_saved(quotation):
        transition_run(quotation.accept, by=by, revision=int(quotation.current_revision or 0))
        accepted = QuotationRevision.objects.get(quotation=quotation, number=quotation.accepted_revision)
        revision_lines = list(accepted.lines.select_related("item", "tax_code").order_by("line_no"))
        reason = converter.refusal(revision_lines)
        if reason:
            # Raised before the customer account or any document exists; the transaction undoes the transition.
            raise TransitionRefused(code=ErrorCode.QUOTATION_NOT_CONVERTIBLE, reason=reason)
        was_prospect = quotation.customer_id is None
        customer = _customer_for(quotation, by=by)
        if was_prospect:
            revision_lines = _retaxed_for(customer, revision_lines)
        opportunity = quotation.opportunity
        if opportunity is not None and opportunity.state != OpportunityState.OPEN:
            opportunity = None  # already won or lost elsewhere
        document = converter.convert(quotation=quotation, revision_lines=revision_lines, customer=customer, by=by)
        if opportunity is not None:
            opportunity_win(opportunity=opportunity, by=by)
        quotation.customer, quotation.party = customer, None
        # More than the transition changed (the customer, the link to what it became): the whole row is saved.
        transition_row_changed(quotation)
        event_record(
            type=events.QUOTATION_ACCEPTED,
            subject=quotation,
            by=by,
            data={
                **events.quotation_data(quotation),
                "customer": customer.pk,
                "converted_to": {"type": convert_to, "id": document.pk},
            },
        )
    quotation_step_record(
        quotation,
        gettext("Quotation %(number)s r%(revision)s accepted: %(document)s")
        % {
            "number": quotation.number,
            "revision": quotation.accepted_revision,
            "document": converter.describe(document),
        },
        by=by,
    )
    quotation.converted_document = document
    return quotation


@transaction.atomic
def quotation_lose(*, quotation: Quotation, reason: str, by: User, note: str = "") -> Quotation:
    if reason not in QuotationLostReason.values:
        raise ValidationFailed(
            field_errors={
                "reason": gettext("Choose why the quotation was lost: %(choices)s.")
                % {"choices": ", ".join(QuotationLostReason.values)}
            }
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(field_errors={"note": gettext("Enter at most %(max)s characters.") % {"max": 300}})
    quotation = lock_quotation(quotation.pk)
    transition_run(quotation.lose, by=by, reason=reason, description=note)
    transition_save(quotation)
    quotation_step_record(
        quotation,
        gettext("Quotation %(number)s lost: %(reason)s")
        % {"number": quotation.number, "reason": quotation.get_lost_reason_display()},
        by=by,
    )
    return quotation


@transaction.atomic
def quotation_cancel(*, quotation: Quotation, by: User) -> Quotation:
    quotation = lock_quotation(quotation.pk)
    transition_run(quotation.cancel, by=by)
    transition_save(quotation)
    quotation_step_record(quotation, gettext("Quotation %(number)s canceled") % {"number": quotation.number}, by=by)
    return quotation


@transaction.atomic
def quotation_expire(*, quotation: Quotation, by: User) -> Quotation:
    quotation = lock_quotation(quotation.pk)
    transition_run(quotation.expire, by=by)
    transition_save(quotation)
    quotation_step_record(
        quotation,
        gettext("Quotation %(number)s expired (valid until %(date)s)")
        % {"number": quotation.number, "date": quotation.valid_until.isoformat()},
        by=by,
    )
    return quotation


def quotations_expire_due(*, by: User, today: datetime.date | None = None) -> list[Quotation]:
    """Expire every sent quotation past its valid-until date, each in its own transaction (one that changed
    meanwhile is skipped, the next run sees it again)."""
    today = today or timezone.localdate()
    expired = []
    due = Quotation.objects.filter(state=QuotationState.SENT, valid_until__lt=today).order_by("pk")
    for pk in due.values_list("pk", flat=True):
        try:
            expired.append(quotation_expire(quotation=Quotation(pk=pk), by=by))
        except TransitionRefused:
            continue
    return expired


@transaction.atomic
def quotation_copy(*, quotation: Quotation, by: User) -> Quotation:
    """A new draft with the same recipient, attribution and lines; the lines are priced again today."""
    source = Quotation.objects.select_related("customer__party", "party", "opportunity").get(pk=quotation.pk)
    opportunity = (
        source.opportunity if source.opportunity and source.opportunity.state == OpportunityState.OPEN else None
    )
    return quotation_create(
        by=by,
        customer=source.customer,
        party=source.party,
        requested_ship_date=source.requested_ship_date
        if source.requested_ship_date and source.requested_ship_date >= timezone.localdate()
        else None,
        terms=source.terms,
        opportunity=opportunity,
        campaign=source.campaign,
        lines=[
            QuotationLineInput(
                item=line.item,
                quantity=line.quantity,
                # A price typed in is kept (it was confirmed when typed); an engine price is asked again.
                unit_price=line.unit_price if line.price_source == PriceSource.MANUAL else None,
                discount_percent=line.discount_percent if line.price_source == PriceSource.MANUAL else None,
                price_confirmed=line.price_source == PriceSource.MANUAL,
                description=text,
                line_type=line.line_type if line.line_type in TEXT_LINE_TYPES else "",
            )
            for line, text in with_full_text(source.lines.select_related("item").order_by("line_no"))
        ],
    )


@transaction.atomic
def quotation_create_for_opportunity(*, opportunity: Opportunity, by: User) -> Quotation:
    """A draft without lines for the opportunity's party (a customer, or a prospect), carrying the opportunity
    and its campaign. The clerk adds the lines next."""
    if opportunity.state != OpportunityState.OPEN:
        raise ValidationFailed(
            field_errors={
                "opportunity": gettext(
                    "Opportunity %(number)s is %(state)s: quotations are made for open opportunities only."
                )
                % {"number": opportunity.number, "state": opportunity.get_state_display()}
            }
        )
    return quotation_create(by=by, party=opportunity.party, opportunity=opportunity, lines=[], owner=opportunity.owner)


@transaction.atomic
def quotation_create_for_response(*, target: CampaignTarget, by: User) -> Quotation:
    """A draft for a campaign target that responded positively, attributed to the campaign (and to the
    opportunity the response started, when it started one)."""
    target = CampaignTarget.objects.select_related("campaign", "party", "created_opportunity").get(pk=target.pk)
    if target.response != Response.POSITIVE:
        raise ValidationFailed(field_errors={"target": gettext("Only a positive response starts the sales process.")})
    opportunity = target.created_opportunity
    party = target.party or (opportunity.party if opportunity else None)
    if party is None:
        raise ValidationFailed(
            field_errors={
                "target": gettext("%(name)s is a lead without a party yet: create an opportunity for it first.")
                % {"name": target.name}
            }
        )
    if opportunity is not None and opportunity.state != OpportunityState.OPEN:
        opportunity = None
    return quotation_create(by=by, party=party, opportunity=opportunity, campaign=target.campaign, lines=[])
