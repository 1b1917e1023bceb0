from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import extensions
from core.bulk import column_update, rows_insert
from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.events import event_record
from core.money import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    ZERO,
    decimal_or_none,
    document_totals,
    line_net,
)
from core.numbering import numbers_take
from core.transitions import first_refusal, transition_run, transition_save, transitions_saved
from marketing.choices import ActivityType, AddressPurpose
from marketing.models import Address
from marketing.services.activities import activity_create
from salesapp import events
from salesapp.choices import BillingPeriod, LineSupply, LineType, OrderState, OrderType, PriceSource
from salesapp.errors import ErrorCode
from salesapp.line_types import (
    TEXT_LINE_TYPES,
    comment_line,
    continued_lines,
    is_comment,
    is_write_in_item,
    item_line_type,
    line_type_errors,
    taxable,
    text_chunks,
    with_full_text,
    write_in_item,
)
from salesapp.lock_objects import is_locked_with_lines, lock_order, lock_order_lines, lock_posted_slip_lines
from salesapp.models import (
    Customer,
    Item,
    PackingSlipLine,
    SalesAgreement,
    SalesAgreementLine,
    SalesOrder,
    SalesOrderLine,
    TaxCode,
)
from salesapp.models.customers import customer_blocked_refusal
from salesapp.order_types import order_type_refusal, policy_for, type_change_refusal
from salesapp.selectors.credit import (
    Exposure,
    approval_threshold_for,
    customer_exposure,
    customer_released_uninvoiced,
    order_approval_reason,
)
from salesapp.selectors.pricing import Price, price_warning, prices_for, tax_codes_for
from salesapp.selectors.promising import line_promises
from salesapp.selectors.returns import return_inputs_resolved, return_line_errors
from salesapp.services.customers import CREDIT_PERMISSION
from salesapp.services.promising import order_ship_dates_default
from salesapp.services.reservations import order_reservations_take, reservations_release

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class OrderLineInput:
    item: Item | None
    quantity: Decimal
    # None: from the pricing engine. A value typed here makes the line "manual" and needs PRICE_OVERRIDE_PERMISSION.
    unit_price: Decimal | None = None
    discount_percent: Decimal | None = None
    tax_code: TaxCode | None = None
    description: str = ""
    requested_ship_date: datetime.date | None = None
    # Where a given unit price came from, when it is not typed in (a quotation's accepted price keeps the
    # source it was priced from); a given price without one is manual.
    price_source: str | None = None
    # "" takes the type from the item; write-in and comment lines say so (salesapp.line_types).
    line_type: str = ""
    # A zero or below-cost price is saved only when the person entering the line confirmed it (price_warning).
    price_confirmed: bool = False
    # The sales agreement line the line is released from (salesapp.services.agreements.agreement_release).
    agreement_line: SalesAgreementLine | None = None
    # On a returned order: the line of the customer's order that comes back (salesapp.selectors.returns).
    returned_line: SalesOrderLine | None = None


def lines_resolved(lines: list[OrderLineInput]) -> list[OrderLineInput]:
    """The inputs with each write-in line carried by the configured write-in item (one look-up, only when there
    is a write-in line). A write-in naming another item keeps it, and ``_line_errors`` refuses it."""
    # A return line takes the item, price and tax code of the line it returns.
    lines = return_inputs_resolved(lines)
    if not any(line.line_type == LineType.WRITE_IN and line.item is None for line in lines):
        return lines
    carrier = write_in_item()
    return [
        replace(line, item=carrier) if line.line_type == LineType.WRITE_IN and line.item is None else line
        for line in lines
    ]


PRICE_OVERRIDE_PERMISSION = "salesapp.override_line_price"


def line_price_override_guard(lines, prefix, *, by: User) -> None:
    """Refuse, naming the field, a typed price or discount from someone whose role may not set one. A line
    carrying its ``price_source`` brings a price decided on the document it comes from (a quotation's accepted
    revision), under that document's own guard. ``lines``: order or quotation line inputs."""
    if by.has_perm(PRICE_OVERRIDE_PERMISSION):
        return
    for index, line in enumerate(lines):
        # A write-in's price is its own (nothing in the catalogue to override); a comment has none.
        if getattr(line, "price_source", None) or getattr(line, "line_type", "") in TEXT_LINE_TYPES:
            continue
        for name in ("unit_price", "discount_percent"):
            if getattr(line, name) is not None:
                field = prefix(index) + name
                raise ActionForbidden(
                    code=ErrorCode.PRICE_OVERRIDE_FORBIDDEN,
                    reason=gettext(
                        "Your role does not allow setting a line's %(field)s: leave it empty to take the agreed price."
                    )
                    % {"field": str(SalesOrderLine._meta.get_field(name).verbose_name)},
                    field=field,
                )


def _decimal(value, field: str) -> Decimal:
    number = decimal_or_none(value)
    if number is None:
        raise ValidationFailed(field_errors={field: gettext("'%(value)s' is not a number.") % {"value": value}})
    return number


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def _ship_date_errors(field: str, value: datetime.date | None, *, order_date: datetime.date) -> dict[str, str]:
    if value is None:
        return {}
    if not date_in_window(value):
        return {field: date_window_message()}
    if value < order_date:
        return {
            field: gettext("The requested ship date cannot be before the order date (%(date)s).")
            % {"date": order_date.isoformat()}
        }
    return {}


def _line_errors(
    line: OrderLineInput, prefix: str, *, order_date: datetime.date, price: Price | None = None
) -> dict[str, str]:
    """The line's input errors; with the engine's ``price``, also whether its amount fits."""
    errors = line_type_errors(
        line_type=line.line_type,
        item=line.item,
        description=line.description,
        unit_price=line.unit_price,
        prefix=prefix,
    )
    if line.line_type == LineType.WRITE_IN and not errors and not is_write_in_item(line.item):
        errors[f"{prefix}.item"] = gettext("A write-in line is carried by the write-in item: leave the item empty.")
    if errors or line.line_type == LineType.COMMENT:
        return errors
    quantity = _decimal(line.quantity, f"{prefix}.quantity")
    if quantity <= 0:
        errors[f"{prefix}.quantity"] = gettext("Quantity must be greater than zero.")
    elif quantity > MAX_QUANTITY:
        errors[f"{prefix}.quantity"] = gettext("Quantity cannot be more than %(max)s.") % {"max": _plain(MAX_QUANTITY)}
    unit_price = None if line.unit_price is None else _decimal(line.unit_price, f"{prefix}.unit_price")
    if unit_price is not None and unit_price < 0:
        errors[f"{prefix}.unit_price"] = gettext("Unit price cannot be negative.")
    elif unit_price is not None and unit_price > MAX_UNIT_PRICE:
        errors[f"{prefix}.unit_price"] = gettext("Unit price cannot be more than %(max)s.") % {
            "max": _plain(MAX_UNIT_PRICE)
        }
    discount = None if line.discount_percent is None else _decimal(line.discount_percent, f"{prefix}.discount_percent")
    if discount is not None and not ZERO <= discount <= 100:
        errors[f"{prefix}.discount_percent"] = gettext("Discount must be between 0 and 100 %.")
    if not line.item.active:
        errors[f"{prefix}.item"] = gettext("Item %(number)s is inactive.") % {"number": line.item.number}
    errors.update(_ship_date_errors(f"{prefix}.requested_ship_date", line.requested_ship_date, order_date=order_date))
    if not errors and price is not None:
        unit_price = price.unit_price if unit_price is None else unit_price
        discount = price.discount_percent if discount is None else discount
        # Each factor within its bound can still make a product the amount columns cannot hold.
        net = line_net(quantity=quantity, unit_price=unit_price, discount_percent=discount)
        if net > MAX_AMOUNT:
            errors[f"{prefix}.quantity"] = gettext(
                "The line amount %(amount)s is more than the %(max)s a line may carry: lower the quantity or the price."
            ) % {"amount": _plain(net), "max": _plain(MAX_AMOUNT)}
        # A price carried over from the document it comes from was confirmed there.
        elif not (getattr(line, "price_confirmed", False) or getattr(line, "price_source", None)):
            warning = price_warning(
                item=line.item,
                unit_price=unit_price,
                discount_percent=discount,
                # A write-in is named as the customer wrote it, not by the item that carries it.
                name=line.description.strip()[:60] if line.line_type == LineType.WRITE_IN else "",
            )
            if warning:
                errors[f"{prefix}.confirm_price"] = gettext(
                    "%(reason)s Confirm the price to save the line with it."
                ) % {"reason": warning}
    return errors


def line_input_errors(
    line: OrderLineInput, prefix: str, *, order_date: datetime.date, price: Price | None = None
) -> dict[str, str]:
    """What is wrong with a line as typed, keyed ``<prefix>.<field>``: the rules every sales document's lines
    share (quantity, price and discount bounds, an active item; with the engine's ``price``, the line amount
    within the columns)."""
    return _line_errors(line, prefix, order_date=order_date, price=price)


# A write-in or comment line is not priced by the engine: a write-in's price is typed, a comment has none.
OWN_PRICE = Price(unit_price=ZERO, discount_percent=ZERO, source=PriceSource.MANUAL)


def line_prices(customer: Customer, lines: list[OrderLineInput], *, date: datetime.date, currency: str) -> list[Price]:
    """The engine's price of every catalogue line, in one look-up for the whole document."""
    catalogue = [index for index, line in enumerate(lines) if line.line_type not in TEXT_LINE_TYPES]
    priced = prices_for(
        customer=customer,
        lines=[(lines[index].item, _decimal(lines[index].quantity, "quantity")) for index in catalogue],
        date=date,
        currency=currency,
    )
    prices = [OWN_PRICE] * len(lines)
    for index, price in zip(catalogue, priced, strict=True):
        prices[index] = price
    return prices


def line_tax_codes(
    customer: Customer | None, lines: list[OrderLineInput], *, tax_group_id: int | None = None
) -> dict[int, TaxCode]:
    """The determined tax code of every line's item that does not bring its own (comment lines have none); for
    a prospect's document (no customer), by the tax group its account will get."""
    return tax_codes_for(
        customer=customer,
        tax_group_id=tax_group_id,
        items=[line.item for line in lines if getattr(line, "tax_code", None) is None and not is_comment(line)],
    )


def next_line_no(lines) -> int:
    """The number after the last line and its continuation lines: lines step by ten."""
    return (max((line.line_no for line in lines), default=0) // 10 + 1) * 10


def _line_build(
    order: SalesOrder, line: OrderLineInput, line_no: int, *, price: Price, tax_codes: dict[int, TaxCode]
) -> list[SalesOrderLine]:
    """The line as stored, followed by the comment lines its text continues on when it is longer than a line."""
    first, *rest = text_chunks(line.description) if line.line_type in TEXT_LINE_TYPES else [line.description]
    continuations = [
        comment_line(SalesOrderLine, text, line_no + offset, order=order) for offset, text in enumerate(rest, start=1)
    ]
    if is_comment(line):
        return [comment_line(SalesOrderLine, first, line_no, order=order), *continuations]
    item = line.item
    quantity = _decimal(line.quantity, "quantity")
    typed = line.unit_price is not None or line.discount_percent is not None
    unit_price = price.unit_price if line.unit_price is None else _decimal(line.unit_price, "unit_price")
    discount = price.discount_percent if line.discount_percent is None else _decimal(line.discount_percent, "discount")
    # A price carried over from the document it comes from (a quotation's accepted revision) keeps its source.
    price_source = (line.price_source or PriceSource.MANUAL) if typed else price.source
    built = SalesOrderLine(
        order=order,
        line_no=line_no,
        line_type=line.line_type if line.line_type == LineType.WRITE_IN else item_line_type(item),
        item=item,
        description=first or item.name,
        quantity=quantity,
        unit=item.unit,
        unit_price=unit_price,
        price_source=price_source,
        discount_percent=discount,
        tax_code=line.tax_code or tax_codes[item.pk],
        requested_ship_date=line.requested_ship_date or order.requested_ship_date,
        agreement_line=line.agreement_line,
        returned_line=line.returned_line,
    )
    built.net_amount = line_net(
        quantity=built.quantity, unit_price=built.unit_price, discount_percent=built.discount_percent
    )
    return [built, *continuations]


def _return_errors(order_type: str, customer: Customer, lines: list[OrderLineInput], prefix) -> dict[str, str]:
    return return_line_errors(lines, customer=customer, order_type=order_type, prefix=prefix)


def _total_within_limit(lines: list[SalesOrderLine]) -> None:
    """The order total (nets plus tax) must fit the amount columns, whatever the number of lines."""
    totals = document_totals(taxable(lines))
    if totals.gross > MAX_AMOUNT:
        raise ValidationFailed(
            code=ErrorCode.ORDER_TOTAL_TOO_LARGE,
            field_errors={
                "lines": gettext(
                    "The order total %(total)s is more than the %(max)s an order may carry: "
                    "split it into several orders."
                )
                % {"total": _plain(totals.gross), "max": _plain(MAX_AMOUNT)}
            },
        )


def _order_type_check(order_type: str) -> None:
    refusal = order_type_refusal(order_type)
    if refusal:
        raise ValidationFailed(code=ErrorCode.ORDER_TYPE_NOT_AVAILABLE, field_errors={"order_type": refusal})


def _external_number_errors(customer_id: int, value: str, *, order_id: int | None = None) -> dict[str, str]:
    """A customer's own document number names one order of that customer (the database guards it too)."""
    value = (value or "").strip()
    if not value:
        return {}
    taken = (
        SalesOrder.objects.filter(customer_id=customer_id, external_document_number=value)
        .exclude(state=OrderState.CANCELED)
        .exclude(pk=order_id)
    )
    number = taken.values_list("number", flat=True).first()
    if number is None:
        return {}
    return {
        "external_document_number": gettext(
            "Order %(number)s of this customer already has external document number %(value)s."
        )
        % {"number": number, "value": value}
    }


MAX_PAYMENT_TERMS_DAYS = 365


def _terms_errors(
    customer: Customer, payment_terms_days, delivery_address: Address | None, *, by: User
) -> dict[str, str]:
    """What is wrong with an order's payment terms and delivery address for ``customer``. Terms other than the
    customer's are a credit decision: refused, naming the field, to a role without the customer credit right."""
    errors: dict[str, str] = {}
    if not isinstance(payment_terms_days, int) or not 0 <= payment_terms_days <= MAX_PAYMENT_TERMS_DAYS:
        errors["payment_terms_days"] = gettext("Enter a number of days from 0 to %(max)s.") % {
            "max": MAX_PAYMENT_TERMS_DAYS
        }
    elif payment_terms_days != customer.payment_terms_days and not by.has_perm(CREDIT_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow agreeing payment terms other than the customer's (%(days)s days).")
            % {"days": customer.payment_terms_days},
            field="payment_terms_days",
        )
    if delivery_address is not None and (
        delivery_address.party_id != customer.party_id or delivery_address.purpose != AddressPurpose.DELIVERY
    ):
        errors["delivery_address"] = gettext("Choose one of the delivery addresses of %(name)s.") % {
            "name": customer.party.name
        }
    return errors


def _header_date_errors(*, order_date: datetime.date, requested_ship_date: datetime.date | None) -> dict[str, str]:
    if not date_in_window(order_date):
        return {"order_date": date_window_message()}
    return _ship_date_errors("requested_ship_date", requested_ship_date, order_date=order_date)


def _totals_set(order: SalesOrder, lines) -> None:
    totals = document_totals(taxable(lines))
    order.amount_net, order.amount_tax, order.amount_total = totals.net, totals.tax, totals.gross


def order_totals_refresh(order: SalesOrder) -> None:
    _totals_set(order, order.lines.select_related("tax_code"))
    order.save(update_fields=["amount_net", "amount_tax", "amount_total", "updated_at"])


@dataclass(frozen=True)
class SubscriptionTerms:
    """When and how often a subscription is billed; all empty for the other order types."""

    billing_period: str = ""
    next_billing_date: datetime.date | None = None
    subscription_end_date: datetime.date | None = None

    FIELDS = ("billing_period", "next_billing_date", "subscription_end_date", "billing_day")

    @property
    def billing_day(self) -> int | None:
        """The periods start on the day of the next billing date as set (``SalesOrder.period_after``)."""
        return self.next_billing_date.day if self.next_billing_date else None


def subscription_terms_resolve(
    *,
    order_type: str,
    order_date: datetime.date,
    billing_period: str | None,
    next_billing_date: datetime.date | None,
    subscription_end_date: datetime.date | None,
) -> tuple[SubscriptionTerms, dict[str, str]]:
    """The billing terms an order of ``order_type`` gets from what was given, and what is wrong with them,
    keyed by field. A subscription without a period is billed monthly, from its order date; another type takes
    no billing terms (given ones are refused, naming the field, rather than silently dropped)."""
    errors: dict[str, str] = {}
    if not policy_for(order_type).reopens_after_invoice:
        given = {
            "billing_period": billing_period,
            "next_billing_date": next_billing_date,
            "subscription_end_date": subscription_end_date,
        }
        for name, value in given.items():
            if value:
                errors[name] = gettext("Only a subscription order is billed by period: leave this empty.")
        return SubscriptionTerms(), errors
    billing_period = billing_period or BillingPeriod.MONTHLY
    if billing_period not in BillingPeriod.values:
        errors["billing_period"] = gettext("Choose a billing period: %(choices)s.") % {
            "choices": ", ".join(BillingPeriod.values)
        }
    next_billing_date = next_billing_date or order_date
    for name, value in (("next_billing_date", next_billing_date), ("subscription_end_date", subscription_end_date)):
        if value is not None and not date_in_window(value):
            errors[name] = date_window_message()
    if not errors and subscription_end_date is not None and subscription_end_date < next_billing_date:
        errors["subscription_end_date"] = gettext("The end date cannot be before the next billing date (%(date)s).") % {
            "date": next_billing_date.isoformat()
        }
    terms = SubscriptionTerms(
        billing_period=billing_period,
        next_billing_date=next_billing_date,
        subscription_end_date=subscription_end_date,
    )
    return terms, errors


@transaction.atomic
def order_create(
    *,
    customer: Customer,
    lines: list[OrderLineInput],
    by: User,
    order_type: str = OrderType.SALES,
    order_date: datetime.date | None = None,
    requested_ship_date: datetime.date | None = None,
    customer_reference: str = "",
    external_document_number: str = "",
    agreement: SalesAgreement | None = None,
    payment_terms_days: int | None = None,
    delivery_address: Address | None = None,
    return_reason: str = "",
    billing_period: str | None = None,
    next_billing_date: datetime.date | None = None,
    subscription_end_date: datetime.date | None = None,
) -> SalesOrder:
    """A new open order. ``agreement``: the sales agreement it is released from (``agreement_release`` checks
    the release; its lines carry their agreement lines). ``payment_terms_days``: the customer's unless agreed
    otherwise (a credit decision); ``delivery_address``: one of the customer's delivery addresses, or None for
    its default. A subscription's billing terms: see ``subscription_terms_resolve``."""
    _order_type_check(order_type)
    lines = lines_resolved(lines)
    order_date = order_date or timezone.localdate()
    errors: dict[str, str] = {}
    if customer.blocked:
        errors["customer"] = customer_blocked_refusal(customer)
    errors.update(_header_date_errors(order_date=order_date, requested_ship_date=requested_ship_date))
    terms, terms_errors = subscription_terms_resolve(
        order_type=order_type,
        order_date=order_date,
        billing_period=billing_period,
        next_billing_date=next_billing_date,
        subscription_end_date=subscription_end_date,
    )
    errors.update(terms_errors)
    errors.update(_external_number_errors(customer.pk, external_document_number))
    payment_terms_days = customer.payment_terms_days if payment_terms_days is None else payment_terms_days
    errors.update(_terms_errors(customer, payment_terms_days, delivery_address, by=by))
    errors.update(_return_errors(order_type, customer, lines, lambda index: f"lines[{index}]."))
    line_price_override_guard(lines, lambda index: f"lines[{index}].", by=by)
    input_errors = [_line_errors(line, f"lines[{index}]", order_date=order_date) for index, line in enumerate(lines)]
    # Every line whose own input is good is priced (one look-up), so its amount is checked in the same answer.
    priceable = [index for index, line_errors in enumerate(input_errors) if not line_errors]
    priced = line_prices(customer, [lines[index] for index in priceable], date=order_date, currency=customer.currency)
    prices = dict(zip(priceable, priced, strict=True))
    for index, line in enumerate(lines):
        errors.update(input_errors[index])
        if index in prices:
            errors.update(_line_errors(line, f"lines[{index}]", order_date=order_date, price=prices[index]))
    if errors:
        raise ValidationFailed(field_errors=errors)
    order = SalesOrder(
        customer=customer,
        created_by=by,
        order_type=order_type,
        currency=customer.currency,
        order_date=order_date,
        requested_ship_date=requested_ship_date,
        customer_reference=customer_reference,
        external_document_number=(external_document_number or "").strip(),
        agreement=agreement,
        payment_terms_days=payment_terms_days,
        delivery_address=delivery_address,
        return_reason=(return_reason or "").strip()[:300],
        billing_period=terms.billing_period,
        next_billing_date=terms.next_billing_date,
        subscription_end_date=terms.subscription_end_date,
        billing_day=terms.billing_day,
    )
    tax_codes = line_tax_codes(customer, lines)
    built = [
        stored
        for index, line in enumerate(lines)
        for stored in _line_build(order, line, line_no=(index + 1) * 10, price=prices[index], tax_codes=tax_codes)
    ]
    _total_within_limit(built)
    # The totals come from the lines built here: the rows about to be inserted, not read back.
    _totals_set(order, built)
    # The number is taken once the input is known to be good; a refusal above takes none.
    # A returned order also gets its return-item (RMA) number from its own series.
    numbers = numbers_take("sales_order", "rma") if policy_for(order_type).receives else numbers_take("sales_order")
    order.number = numbers["sales_order"]
    order.rma_number = numbers.get("rma")
    rows_insert([order])
    for line in built:
        line.order = order
    rows_insert(built)
    return order


def _ensure_editable(order: SalesOrder) -> None:
    # The model's edit rule: the same sentence the order page shows.
    reason = order.refusal_reason("edit")
    if reason:
        raise TransitionRefused(code=ErrorCode.ORDER_NOT_EDITABLE, reason=reason)


@transaction.atomic
def order_line_add(*, order: SalesOrder, line: OrderLineInput, by: User) -> SalesOrderLine:
    order = lock_order(order.pk)
    _ensure_editable(order)
    [line] = lines_resolved([line])
    errors = _line_errors(line, "line", order_date=order.order_date)
    errors.update(_return_errors(order.order_type, order.customer, [line], lambda index: "line."))
    if not errors:
        line_price_override_guard([line], lambda index: "", by=by)
        price = line_prices(order.customer, [line], date=order.order_date, currency=order.currency)[0]
        errors = _line_errors(line, "line", order_date=order.order_date, price=price)
    if errors:
        raise ValidationFailed(field_errors={k.removeprefix("line."): v for k, v in errors.items()})
    existing = list(order.lines.select_related("tax_code"))
    created = _line_build(
        order, line, line_no=next_line_no(existing), price=price, tax_codes=line_tax_codes(order.customer, [line])
    )
    _total_within_limit([*existing, *created])
    rows_insert(created)
    order_totals_refresh(order)
    return created[0]


@transaction.atomic
def order_line_remove(*, order_line: SalesOrderLine, by: User) -> SalesOrder:
    order = lock_order(order_line.order_id)
    _ensure_editable(order)
    SalesOrderLine.objects.filter(continued_lines(order_line), order=order).delete()
    order_totals_refresh(order)
    return order


class _Unchanged:
    """The value of an ``order_update`` argument that was not given (None clears a date)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


@transaction.atomic
def order_update(
    *,
    order: SalesOrder,
    by: User,
    order_type: str = UNCHANGED,
    requested_ship_date: datetime.date | None = UNCHANGED,
    customer_reference: str = UNCHANGED,
    external_document_number: str = UNCHANGED,
    payment_terms_days: int = UNCHANGED,
    delivery_address: Address | None = UNCHANGED,
    billing_period: str = UNCHANGED,
    next_billing_date: datetime.date | None = UNCHANGED,
    subscription_end_date: datetime.date | None = UNCHANGED,
) -> SalesOrder:
    """Change the header of an open order; arguments left out stay as they are. An order that becomes a
    subscription gets the default billing terms for what is not given; one that stops being one loses them.

    Lines whose requested ship date was the header's (they took it when entered) follow the new date; a line
    with a date of its own keeps it."""
    order = lock_order(order.pk)
    _ensure_editable(order)
    errors: dict[str, str] = {}
    if order_type is not UNCHANGED and order_type != order.order_type:
        _order_type_check(order_type)
        refusal = type_change_refusal(order, order_type, delivered=False)  # an open order has no deliveries
        if refusal:
            errors["order_type"] = refusal
    if requested_ship_date is not UNCHANGED:
        errors.update(_ship_date_errors("requested_ship_date", requested_ship_date, order_date=order.order_date))
    texts = {"customer_reference": customer_reference, "external_document_number": external_document_number}
    for name, value in texts.items():
        if value is UNCHANGED:
            continue
        limit = SalesOrder._meta.get_field(name).max_length
        if len(str(value).strip()) > limit:
            errors[name] = gettext("Enter at most %(max)s characters.") % {"max": limit}
    if external_document_number is not UNCHANGED and "external_document_number" not in errors:
        errors.update(_external_number_errors(order.customer_id, str(external_document_number), order_id=order.pk))
    # The same value given again is no change (a form sends every field): no credit decision to check.
    if payment_terms_days == order.payment_terms_days:
        payment_terms_days = UNCHANGED
    if delivery_address is not UNCHANGED and delivery_address == order.delivery_address:
        delivery_address = UNCHANGED
    if payment_terms_days is not UNCHANGED or delivery_address is not UNCHANGED:
        errors.update(
            _terms_errors(
                order.customer,
                order.payment_terms_days if payment_terms_days is UNCHANGED else payment_terms_days,
                None if delivery_address is UNCHANGED else delivery_address,
                by=by,
            )
        )
    terms = None
    new_type = order.order_type if order_type is UNCHANGED else order_type
    if "order_type" not in errors:
        given = {
            "billing_period": billing_period,
            "next_billing_date": next_billing_date,
            "subscription_end_date": subscription_end_date,
        }
        # A switched type starts from no terms (a new subscription gets the defaults; an order that stops
        # being one drops them); the values given are checked either way.
        switched = new_type != order.order_type
        terms, terms_errors = subscription_terms_resolve(
            order_type=new_type,
            order_date=order.order_date,
            **{
                name: (None if switched else getattr(order, name)) if value is UNCHANGED else value
                for name, value in given.items()
            },
        )
        errors.update(terms_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    changed = []
    if terms is not None:
        for name in SubscriptionTerms.FIELDS:
            if getattr(terms, name) != getattr(order, name):
                setattr(order, name, getattr(terms, name))
                changed.append(name)
    if payment_terms_days is not UNCHANGED and payment_terms_days != order.payment_terms_days:
        order.payment_terms_days = payment_terms_days
        changed.append("payment_terms_days")
    if delivery_address is not UNCHANGED and delivery_address != order.delivery_address:
        order.delivery_address = delivery_address
        changed.append("delivery_address")
    if order_type is not UNCHANGED and order_type != order.order_type:
        order.order_type = order_type
        changed.append("order_type")
    if requested_ship_date is not UNCHANGED and requested_ship_date != order.requested_ship_date:
        following = [
            line for line in lock_order_lines(order).values() if line.requested_ship_date == order.requested_ship_date
        ]
        for line in following:
            line.requested_ship_date = requested_ship_date
        SalesOrderLine.objects.bulk_update(following, ["requested_ship_date"])
        order.requested_ship_date = requested_ship_date
        changed.append("requested_ship_date")
    for name, value in texts.items():
        if value is not UNCHANGED and str(value).strip() != getattr(order, name):
            setattr(order, name, str(value).strip())
            changed.append(name)
    if changed:
        order.save(update_fields=[*changed, "updated_at"])
    return order


@transaction.atomic
def order_type_change(*, order: SalesOrder, order_type: str, by: User) -> SalesOrder:
    """Change the type of an open or confirmed order, within the rules of ``order_types.type_change_refusal``;
    the change is recorded on the order's timeline."""
    if not by.has_perm("salesapp.change_salesorder"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow changing orders.")
        )
    order = lock_order(order.pk)
    lock_order_lines(order, related=())
    if order.state not in (OrderState.OPEN, OrderState.CONFIRMED):
        raise TransitionRefused(
            code=ErrorCode.ORDER_TYPE_NOT_CHANGEABLE,
            reason=gettext("Order %(number)s is %(state)s: its type changes while it is open or confirmed.")
            % {"number": order.number, "state": order.get_state_display().lower()},
        )
    if order_type == order.order_type:
        return order
    refusal = type_change_refusal(order, order_type, delivered=not order.nothing_delivered())
    if refusal:
        raise TransitionRefused(code=ErrorCode.ORDER_TYPE_NOT_CHANGEABLE, reason=refusal)
    before = order.get_order_type_display()
    order.order_type = order_type
    # Becoming a subscription: billed monthly from the order date until the terms are edited; no longer one:
    # the billing terms go.
    terms, _errors = subscription_terms_resolve(
        order_type=order_type,
        order_date=order.order_date,
        billing_period=None,
        next_billing_date=None,
        subscription_end_date=None,
    )
    for name in SubscriptionTerms.FIELDS:
        setattr(order, name, getattr(terms, name))
    order.save(update_fields=["order_type", *SubscriptionTerms.FIELDS, "updated_at"])
    activity_create(
        by=by,
        activity_type=ActivityType.TASK,
        subject=gettext("Order %(number)s changed from %(before)s to %(after)s")
        % {"number": order.number, "before": before, "after": order.get_order_type_display()},
        party=order.customer.party,
        campaign=order.campaign,
        document=order,
        done=True,
    )
    return order


@transaction.atomic
def order_copy(*, order: SalesOrder, by: User) -> SalesOrder:
    """A new open order for the same customer with the same lines, made through ``order_create``, so every
    check runs again: a blocked customer is refused, engine prices are asked again today (a typed price is
    kept, under the override guard), and confirming it runs the credit check. The customer's own document
    number, the dates past and the attribution stay with the original."""
    source = SalesOrder.objects.select_related("customer__party").get(pk=order.pk)
    today = timezone.localdate()
    return order_create(
        customer=source.customer,
        by=by,
        order_type=source.order_type,
        requested_ship_date=source.requested_ship_date
        if source.requested_ship_date and source.requested_ship_date >= today
        else None,
        customer_reference=source.customer_reference,
        return_reason=source.return_reason,
        # The customer's terms today (other terms are agreed per order); the same delivery address.
        delivery_address=source.delivery_address,
        # A copied subscription is billed as often, from its own order date; an end date past stays behind.
        billing_period=source.billing_period or None,
        subscription_end_date=source.subscription_end_date
        if source.subscription_end_date and source.subscription_end_date >= today
        else None,
        lines=[
            OrderLineInput(
                item=line.item,
                quantity=line.quantity,
                unit_price=line.unit_price if line.price_source == PriceSource.MANUAL else None,
                discount_percent=line.discount_percent if line.price_source == PriceSource.MANUAL else None,
                price_confirmed=line.price_source == PriceSource.MANUAL,
                description=text,
                line_type=line.line_type if line.line_type in TEXT_LINE_TYPES else "",
                requested_ship_date=line.requested_ship_date
                if line.requested_ship_date and line.requested_ship_date >= today
                else None,
                returned_line=line.returned_line,
            )
            for line, text in with_full_text(source.lines.select_related("item", "returned_line").order_by("line_no"))
        ],
    )


@transaction.atomic
def order_line_ship_date_confirm(
    *, order_line: SalesOrderLine, confirmed_ship_date: datetime.date | None, by: User
) -> SalesOrderLine:
    """Promise the customer a ship date for a line still to deliver (None withdraws it). Until one is promised
    the line is expected on its requested ship date: backorders are late against the confirmed date, else that."""
    if not by.has_perm("salesapp.change_salesorder"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow changing orders.")
        )
    order = lock_order(order_line.order_id, with_customer=False)
    line = lock_order_lines(order, related=()).get(order_line.pk)
    if order.state not in (OrderState.OPEN, OrderState.CONFIRMED):
        raise TransitionRefused(
            code=ErrorCode.ORDER_NOT_EDITABLE,
            reason=gettext("Order %(number)s is %(state)s: ship dates are promised while it is open or confirmed.")
            % {"number": order.number, "state": order.get_state_display().lower()},
        )
    if line is None or is_comment(line) or line.deliver_remainder <= 0:
        raise TransitionRefused(
            code=ErrorCode.ORDER_NOT_EDITABLE,
            reason=gettext("Line %(line_no)s has nothing left to deliver: there is no ship date to promise.")
            % {"line_no": order_line.line_no},
        )
    if confirmed_ship_date is not None and not date_in_window(confirmed_ship_date):
        raise ValidationFailed(field_errors={"confirmed_ship_date": date_window_message()})
    if confirmed_ship_date is not None and confirmed_ship_date < order.order_date:
        raise ValidationFailed(
            field_errors={
                "confirmed_ship_date": gettext("The confirmed ship date cannot be before the order date (%(date)s).")
                % {"date": order.order_date.isoformat()}
            }
        )
    line.confirmed_ship_date = confirmed_ship_date
    line.save(update_fields=["confirmed_ship_date"])
    order.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def order_line_ship_date_promise(*, order_line: SalesOrderLine, by: User) -> SalesOrderLine:
    """Promise a line still to deliver the first date its remainder is available to promise (from the later of
    today and its requested ship date), its own demand set aside. Refused when no known supply covers it."""
    line = SalesOrderLine.objects.select_related("item", "order").get(pk=order_line.pk)
    if line.line_type != LineType.ITEM or line.supply != LineSupply.STOCK:
        raise TransitionRefused(
            code=ErrorCode.ORDER_NOT_EDITABLE,
            reason=gettext("Line %(line_no)s does not ship an item from stock: there is no date available to promise.")
            % {"line_no": line.line_no},
        )
    promise = line_promises(line.order, [line])[line.pk]
    if promise.date is None:
        raise TransitionRefused(code=ErrorCode.STOCK_SHORT, reason=promise.text())
    return order_line_ship_date_confirm(order_line=line, confirmed_ship_date=promise.date, by=by)


@transaction.atomic
def order_confirm(*, order: SalesOrder, by: User) -> SalesOrder:
    order = lock_order(order.pk)
    # An order of a type that is not built yet (entered before such types were refused) is not confirmed as
    # if it were a sales order.
    refusal = order_type_refusal(order.order_type)
    if refusal:
        raise TransitionRefused(code=ErrorCode.ORDER_TYPE_NOT_AVAILABLE, reason=refusal)
    reason = _approval_reason(order)
    if reason:
        transition_run(order.request_approval, by=by, description=reason)
        transition_save(order)
        return order
    with transitions_saved(order):
        transition_run(order.confirm, by=by)
        event_record(type=events.ORDER_CONFIRMED, subject=order, by=by, data=events.order_data(order))
    order_reservations_take(order)
    order_ship_dates_default(order)
    prepayment_hold(order, by=by)
    return order


def _approval_reason(order: SalesOrder) -> str | None:
    """Why the open, locked ``order`` needs a sales manager's approval before it is confirmed, or None."""
    if not policy_for(order.order_type).adds_exposure:
        return None  # the customer is not billed for it: nothing to approve (a return lowers what it owes)
    customer = order.customer
    threshold = approval_threshold_for(customer)
    if customer.credit_limit <= 0 and threshold is None:
        return None  # nothing to check: no exposure to read
    if customer.credit_limit > 0:
        # Two orders of one customer confirmed at once must not both fit under the limit that only one of them
        # fits under: the customer row serializes the credit check (locks: order → customer).
        Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).get()
        exposure = customer_exposure(customer, order=order)
    else:
        exposure = Exposure(credit_limit=ZERO, receivables=ZERO, overdue=ZERO, uninvoiced_orders=ZERO, order=ZERO)
    return order_approval_reason(order, exposure)


HOLD_PERMISSION = "salesapp.hold_salesorder"


def prepayment_hold(order: SalesOrder, *, by: User) -> None:
    """Hold the locked, just confirmed ``order`` when its customer pays before delivery: a payment that covers
    it releases it (invoicing's payment registration)."""
    if not order.customer.prepayment_required or order.on_hold or not policy_for(order.order_type).adds_exposure:
        return
    # Money the customer has on account already (paid, not billed) that the orders released so far, this one
    # included, do not need: then this order is paid for and is not held.
    on_account = -extensions.customer_account_balance(order.customer_id)
    if on_account > 0 and on_account - customer_released_uninvoiced(order.customer) >= 0:
        return
    _hold_set(
        order,
        reason=gettext("Prepayment required: waiting for a payment of %(currency)s %(amount)s")
        % {"currency": order.currency, "amount": f"{order.amount_total:.2f}"},
        prepayment=True,
        by=by,
    )


def _hold_set(order: SalesOrder, *, reason: str, prepayment: bool, by: User) -> None:
    order.on_hold = True
    order.hold_reason = reason[: SalesOrder._meta.get_field("hold_reason").max_length]
    order.held_for_prepayment = prepayment
    order.held_at = timezone.now()
    order.held_by = by
    order.save(update_fields=["on_hold", "hold_reason", "held_for_prepayment", "held_at", "held_by", "updated_at"])
    _hold_record(
        order, gettext("Order %(number)s put on hold: %(reason)s") % {"number": order.number, "reason": reason}, by=by
    )


def _hold_record(order: SalesOrder, subject: str, *, by: User) -> None:
    # Holds are not transitions: the party's timeline records them, with who and when.
    activity_create(
        by=by,
        activity_type=ActivityType.TASK,
        subject=subject[:200],
        party=order.customer.party,
        document=order,
        done=True,
    )


def _hold_guard(order: SalesOrder, by: User) -> None:
    if not by.has_perm(HOLD_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow putting orders on hold or releasing them."),
        )


@transaction.atomic
def order_hold(*, order: SalesOrder, reason: str, by: User) -> SalesOrder:
    """Stop deliveries and invoices of an order until a sales manager releases it (an overlay, not a state)."""
    _hold_guard(order, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": gettext("Say why the order is put on hold.")})
    limit = SalesOrder._meta.get_field("hold_reason").max_length
    if len(reason) > limit:
        raise ValidationFailed(field_errors={"reason": gettext("Enter at most %(max)s characters.") % {"max": limit}})
    order = lock_order(order.pk)
    refusal = first_refusal(SalesOrder.HOLD_RULES, order)
    if refusal:
        raise TransitionRefused(
            code=ErrorCode.ORDER_NOT_HOLDABLE,
            reason=refusal,
        )
    _hold_set(order, reason=reason, prepayment=False, by=by)
    return order


HOLD_FIELDS = ("on_hold", "hold_reason", "held_for_prepayment", "held_at", "held_by")


def _hold_fields_clear(order: SalesOrder) -> None:
    order.on_hold = False
    order.hold_reason = ""
    order.held_for_prepayment = False
    order.held_at = None
    order.held_by = None


def _hold_clear(order: SalesOrder) -> None:
    _hold_fields_clear(order)
    order.save(update_fields=[*HOLD_FIELDS, "updated_at"])


@transaction.atomic
def order_release_hold(*, order: SalesOrder, by: User) -> SalesOrder:
    _hold_guard(order, by)
    order = lock_order(order.pk)
    if not order.on_hold:
        raise TransitionRefused(
            code=ErrorCode.ORDER_NOT_HOLDABLE,
            reason=gettext("Order %(number)s is not on hold.") % {"number": order.number},
        )
    _hold_clear(order)
    _hold_record(order, gettext("Order %(number)s released from hold") % {"number": order.number}, by=by)
    return order


@transaction.atomic
def orders_release_prepaid(*, customer: Customer, available: Decimal, by: User) -> list[SalesOrder]:
    """Release the customer's orders held for prepayment that ``available`` (money received and not yet
    needed for invoices) covers, oldest first; returns the released ones. Called by payment registration."""
    held = list(
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer__party")
        .filter(customer=customer, on_hold=True, held_for_prepayment=True)
        .exclude(state=OrderState.CANCELED)
        .order_by("confirmed_at", "pk")
    )
    released = []
    for order in held:
        if order.amount_total > available:
            break
        available -= order.amount_total
        _hold_clear(order)
        _hold_record(
            order,
            gettext("Order %(number)s released from hold: the prepayment is received") % {"number": order.number},
            by=by,
        )
        released.append(order)
    return released


@transaction.atomic
def order_cancel(*, order: SalesOrder, reason: str = "", by: User) -> SalesOrder:
    reason = (reason or "").strip()
    limit = SalesOrder._meta.get_field("cancel_reason").max_length
    if len(reason) > limit:
        raise ValidationFailed(field_errors={"reason": gettext("Enter at most %(max)s characters.") % {"max": limit}})
    order = lock_order(order.pk)
    lines = lock_order_lines(order)
    transition_run(
        order.cancel,
        by=by,
        description=reason.strip(),
    )
    # A canceled order waits for nothing: a prepayment received later is not spent on it.
    _hold_fields_clear(order)
    order.save()
    event_record(type=events.ORDER_CANCELED, subject=order, by=by, data={**events.order_data(order), "reason": reason})
    # Stock promised to it goes to the next order in line (once it is stored as canceled, so not back to it).
    reservations_release(lines.values(), everything=True)
    return order


@transaction.atomic
def order_process(*, order: SalesOrder, by: User) -> SalesOrder:
    """Recompute the derived status from the quantity ledger and fire the transitions that follow.

    Idempotent: safe to call after any change to a packing slip or invoice of the order."""
    order = lock_order(order.pk)
    lock_order_lines(order)
    return order_status_follow(order=order, by=by)


def order_status_follow(*, order: SalesOrder, by: User) -> SalesOrder:
    """``order_process`` for a service that holds the order and its lines locked (``lock_order_lines``) and has
    just changed their quantities: the status follows from the lines in memory, in the caller's transaction."""
    if not is_locked_with_lines(order):
        raise RuntimeError("order_status_follow needs the order and its lines locked by the caller.")
    with transitions_saved(order):
        if order.state == OrderState.DELIVERED and not order.fully_delivered():
            transition_run(order.reopen_delivery, by=by)  # a delivery was undone (a packing slip canceled)
        if order.state == OrderState.CONFIRMED and order.fully_delivered():
            transition_run(order.mark_delivered, by=by)
        if order.state == OrderState.DELIVERED and order.fully_invoiced():
            transition_run(order.mark_invoiced, by=by)
        if order.state == OrderState.INVOICED and not order.fully_invoiced() and order.fully_delivered():
            transition_run(order.reopen_invoicing, by=by)  # an invoice was canceled
    return order


@dataclass(frozen=True)
class InvoicedQuantity:
    order_line_id: int
    quantity: Decimal
    packing_slip_line_id: int | None = None


@transaction.atomic
def order_register_invoiced(*, order: SalesOrder, invoiced: list[InvoicedQuantity], by: User) -> SalesOrder:
    """Book posted invoice quantities on the order's ledger (called by invoice posting).

    A quantity billed without naming a packing slip line is matched to the oldest uninvoiced deliveries,
    so a later invoice from packing slips never bills the same delivery twice."""
    order = lock_order(order.pk)
    lock_order_lines(order)
    return order_invoiced_book(order=order, invoiced=invoiced, by=by)


def order_invoiced_book(
    *,
    order: SalesOrder,
    invoiced: list[InvoicedQuantity],
    by: User,
    slip_lines: dict[int, PackingSlipLine] | None = None,
) -> SalesOrder:
    """``order_register_invoiced`` for a service that holds the order and its lines locked (invoice posting),
    and, as ``slip_lines``, the order's posted packing slip lines (``lock_posted_slip_lines``) when it locked
    them before taking a number."""
    if not is_locked_with_lines(order):
        raise RuntimeError("order_invoiced_book needs the order and its lines locked by the caller.")
    if slip_lines is None:
        slip_lines = lock_posted_slip_lines(order)
    line_values, slip_values = _invoiced_apply(order, invoiced, slip_lines)
    # The quantities as set-based updates: one statement per table, only the rows that changed.
    column_update(SalesOrderLine, "qty_invoiced", line_values)
    column_update(PackingSlipLine, "qty_invoiced", slip_values)
    return order_status_follow(order=order, by=by)


def orders_invoiced_book(
    *, bookings: list[tuple[SalesOrder, list[InvoicedQuantity], dict[int, PackingSlipLine]]], by: User
) -> None:
    """``order_invoiced_book`` for an invoice that bills several orders (a summary invoice), each held locked with
    its lines and posted slip lines: the quantities of all of them in one statement per table, then each order's
    status follows."""
    line_values: dict[int, Decimal] = {}
    slip_values: dict[int, Decimal] = {}
    for order, invoiced, slip_lines in bookings:
        if not is_locked_with_lines(order):
            raise RuntimeError("orders_invoiced_book needs the orders and their lines locked by the caller.")
        lines, slips = _invoiced_apply(order, invoiced, slip_lines)
        line_values.update(lines)
        slip_values.update(slips)
    column_update(SalesOrderLine, "qty_invoiced", line_values)
    column_update(PackingSlipLine, "qty_invoiced", slip_values)
    for order, _invoiced, _slip_lines in bookings:
        order_status_follow(order=order, by=by)


def _invoiced_apply(
    order: SalesOrder, invoiced: list[InvoicedQuantity], slip_lines: dict[int, PackingSlipLine]
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Book ``invoiced`` on the order's lines and slip lines held in memory, refusing more than was delivered;
    returns the new invoiced quantities of the order lines and the slip lines that changed, by id."""
    lines = {line.pk: line for line in order.lines.all()}
    changed_slip_lines = {}
    for entry in invoiced:
        line = lines[entry.order_line_id]
        if entry.quantity > line.invoice_remainder:
            raise TransitionRefused(
                code=ErrorCode.OVER_INVOICED,
                reason=gettext(
                    "Line %(line_no)s (%(item)s): %(quantity)s to invoice but only "
                    "%(remainder)s delivered and not yet invoiced."
                )
                % {
                    "line_no": line.line_no,
                    "item": line.item.number if line.item else line.description,
                    "quantity": f"{entry.quantity.normalize():f}",
                    "remainder": f"{line.invoice_remainder.normalize():f}",
                },
            )
        line.qty_invoiced += entry.quantity
        remaining = entry.quantity
        candidates = (
            [slip_lines[entry.packing_slip_line_id]]
            if entry.packing_slip_line_id
            else [s for s in slip_lines.values() if s.order_line_id == line.pk]
        )
        for slip_line in candidates:
            take = min(remaining, slip_line.invoice_remainder)
            if take > 0:
                slip_line.qty_invoiced += take
                changed_slip_lines[slip_line.pk] = slip_line
            remaining -= take
            if remaining <= 0:
                break
        if remaining > 0:
            raise TransitionRefused(
                code=ErrorCode.OVER_INVOICED,
                reason=gettext("Line %(line_no)s: the chosen packing slip has less left to invoice than billed.")
                % {"line_no": line.line_no},
            )
    return (
        {entry.order_line_id: lines[entry.order_line_id].qty_invoiced for entry in invoiced},
        {pk: slip_line.qty_invoiced for pk, slip_line in changed_slip_lines.items()},
    )


def order_invoiced_unbook(
    *,
    order: SalesOrder,
    invoiced: list[InvoicedQuantity],
    by: User,
    slip_lines: dict[int, PackingSlipLine] | None = None,
) -> SalesOrder:
    """The reverse of ``order_invoiced_book``, for a canceled invoice: its quantities go back to the order
    lines and to the packing slip lines they billed (a quantity that named no slip line comes off the most
    recently invoiced deliveries first), so the order can be invoiced again; the status follows. The caller
    holds the order and its lines locked."""
    if not is_locked_with_lines(order):
        raise RuntimeError("order_invoiced_unbook needs the order and its lines locked by the caller.")
    lines = {line.pk: line for line in order.lines.all()}
    if slip_lines is None:
        slip_lines = lock_posted_slip_lines(order)
    changed_slip_lines = {}
    for entry in invoiced:
        line = lines[entry.order_line_id]
        if entry.quantity > line.qty_invoiced:
            raise TransitionRefused(
                code=ErrorCode.OVER_INVOICED,
                reason=gettext("Line %(line_no)s: %(quantity)s to give back but only %(invoiced)s is invoiced.")
                % {
                    "line_no": line.line_no,
                    "quantity": f"{entry.quantity.normalize():f}",
                    "invoiced": f"{line.qty_invoiced.normalize():f}",
                },
            )
        line.qty_invoiced -= entry.quantity
        remaining = entry.quantity
        candidates = (
            [slip_lines[entry.packing_slip_line_id]]
            if entry.packing_slip_line_id
            else [s for s in reversed(list(slip_lines.values())) if s.order_line_id == line.pk]
        )
        for slip_line in candidates:
            take = min(remaining, slip_line.qty_invoiced)
            if take > 0:
                slip_line.qty_invoiced -= take
                changed_slip_lines[slip_line.pk] = slip_line
            remaining -= take
            if remaining <= 0:
                break
    column_update(
        SalesOrderLine,
        "qty_invoiced",
        {entry.order_line_id: lines[entry.order_line_id].qty_invoiced for entry in invoiced},
    )
    column_update(
        PackingSlipLine, "qty_invoiced", {pk: slip_line.qty_invoiced for pk, slip_line in changed_slip_lines.items()}
    )
    return order_status_follow(order=order, by=by)


@transaction.atomic
def order_lines_add(*, order: SalesOrder, lines: list[OrderLineInput], by: User) -> list[SalesOrderLine]:
    """Add several lines to an open order at once (a standard line set): all of them or, on a refusal, none."""
    order = lock_order(order.pk)
    _ensure_editable(order)
    lines = lines_resolved(lines)
    line_price_override_guard(lines, lambda index: f"lines[{index}].", by=by)
    errors: dict[str, str] = {}
    for index, line in enumerate(lines):
        errors.update(_line_errors(line, f"lines[{index}]", order_date=order.order_date))
    errors.update(_return_errors(order.order_type, order.customer, lines, lambda index: f"lines[{index}]."))
    if errors:
        raise ValidationFailed(field_errors=errors)
    # Priced and taxed in one look-up each for all the lines, as a new order's are.
    prices = line_prices(order.customer, lines, date=order.order_date, currency=order.currency)
    for index, line in enumerate(lines):
        errors.update(_line_errors(line, f"lines[{index}]", order_date=order.order_date, price=prices[index]))
    if errors:
        raise ValidationFailed(field_errors=errors)
    tax_codes = line_tax_codes(order.customer, lines)
    existing = list(order.lines.select_related("tax_code"))
    first = next_line_no(existing)
    created = [
        stored
        for index, line in enumerate(lines)
        for stored in _line_build(order, line, line_no=first + index * 10, price=prices[index], tax_codes=tax_codes)
    ]
    _total_within_limit([*existing, *created])
    rows_insert(created)
    order_totals_refresh(order)
    return created


# What an item puts on a line besides its quantity: replacing the item changes these, undoing puts them back.
ITEM_TERMS = (
    "line_type",
    "item",
    "description",
    "unit",
    "unit_price",
    "price_source",
    "discount_percent",
    "tax_code",
    "net_amount",
)


@dataclass(frozen=True)
class LineTerms:
    """A line's item and the terms that came with it, as stored (JSON-safe) to put back later."""

    values: dict

    @classmethod
    def of(cls, line: SalesOrderLine) -> LineTerms:
        return cls(
            values={
                "line_type": line.line_type,
                "item": line.item_id,
                "description": line.description,
                "unit": line.unit,
                "unit_price": f"{line.unit_price:f}",
                "price_source": line.price_source,
                "discount_percent": f"{line.discount_percent:f}",
                "tax_code": line.tax_code_id,
                "net_amount": f"{line.net_amount:f}",
                "quantity": f"{line.quantity:f}",
            }
        )

    def put_back(self, line, *, code: str) -> None:
        """Set the recorded item and terms on ``line`` (an order or quotation line) again; refused, with
        ``code``, when its quantity changed since (the terms belong to that quantity)."""
        values = self.values
        if Decimal(values["quantity"]) != line.quantity:
            raise TransitionRefused(
                code=code,
                reason=gettext("Line %(line_no)s changed its quantity since: it cannot be put back.")
                % {"line_no": line.line_no},
            )
        line.line_type = values["line_type"]
        line.item = Item.objects.get(pk=values["item"])
        line.description = values["description"]
        line.unit = values["unit"]
        line.unit_price = Decimal(values["unit_price"])
        line.price_source = values["price_source"]
        line.discount_percent = Decimal(values["discount_percent"])
        line.tax_code = TaxCode.objects.get(pk=values["tax_code"])
        line.net_amount = Decimal(values["net_amount"])


def _lock_open_line(order_line: SalesOrderLine) -> tuple[SalesOrder, SalesOrderLine]:
    order = lock_order(order_line.order_id)
    _ensure_editable(order)
    line = SalesOrderLine.objects.select_for_update(of=("self",)).select_related("tax_code").get(pk=order_line.pk)
    return order, line


def _save_terms(order: SalesOrder, line: SalesOrderLine) -> SalesOrderLine:
    others = list(order.lines.exclude(pk=line.pk).select_related("tax_code"))
    _total_within_limit([*others, line])
    line.save(update_fields=[*ITEM_TERMS])
    order_totals_refresh(order)
    return line


@transaction.atomic
def order_line_item_replace(*, order_line: SalesOrderLine, item: Item, by: User) -> SalesOrderLine:
    """Put ``item`` on an open order's line in place of its item (an up-sell). The quantity and dates stay; the
    price, discount, their source and the tax code come from the pricing engine as for a new line."""
    order, line = _lock_open_line(order_line)
    wanted = OrderLineInput(item=item, quantity=line.quantity)
    errors = _line_errors(wanted, "line", order_date=order.order_date)
    if not errors:
        price = line_prices(order.customer, [wanted], date=order.order_date, currency=order.currency)[0]
        errors = _line_errors(wanted, "line", order_date=order.order_date, price=price)
    if errors:
        raise ValidationFailed(field_errors={k.removeprefix("line."): v for k, v in errors.items()})
    [built] = _line_build(
        order, wanted, line_no=line.line_no, price=price, tax_codes=line_tax_codes(order.customer, [wanted])
    )
    for name in ITEM_TERMS:
        setattr(line, name, getattr(built, name))
    return _save_terms(order, line)


@transaction.atomic
def order_line_item_restore(*, order_line: SalesOrderLine, terms: LineTerms, by: User) -> SalesOrderLine:
    """Put back the item and terms ``terms`` recorded (undoing ``order_line_item_replace``), exactly as they
    were: the price is not asked again, the clerk gets back what was there."""
    order, line = _lock_open_line(order_line)
    terms.put_back(line, code=ErrorCode.ORDER_NOT_EDITABLE)
    return _save_terms(order, line)
