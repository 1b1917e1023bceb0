"""Sales agreements (DESIGN.md §4.2): making one, changing it, its lifecycle, and releasing orders from it.

An agreement changes freely while on hold. Once effective, **every change is a new version** (v1 is recorded
when it first becomes effective): who, when, the header and lines as they stand after the change, and a list of
what changed since the version before. Orders are released from an effective agreement only, for a requested
ship date inside its validity; their lines carry the agreement's prices (``salesapp.selectors.pricing``) and link
to the agreement line, so fulfilment is read from the order lines' ledger, never counted here.

Every transition is audited by django-fsm-log and shown on the agreement's page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import MAX_AMOUNT, MAX_QUANTITY, MAX_UNIT_PRICE, ZERO, decimal_or_none
from core.numbering import number_take
from core.transitions import ROLE_REFUSAL, transition_run, transition_save
from salesapp.choices import AgreementState, CommitmentType, Currency
from salesapp.errors import ErrorCode
from salesapp.lock_objects import lock_agreement, lock_agreement_lines
from salesapp.models import (
    Customer,
    Item,
    SalesAgreement,
    SalesAgreementLine,
    SalesAgreementVersion,
    SalesOrder,
    SalesOrderLine,
)
from salesapp.models.agreements import LINE_FIELDS_BY_COMMITMENT
from salesapp.models.customers import customer_blocked_refusal
from salesapp.selectors.pricing import prices_for
from salesapp.services.orders import OrderLineInput, order_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RELEASE_PERMISSION = "salesapp.release_salesagreement"


@dataclass(frozen=True)
class AgreementLineInput:
    """One agreement line as typed. Which fields it must and must not carry follows from the agreement's
    commitment type (``_line_errors``)."""

    item: Item | None = None
    committed_quantity: Decimal | None = None
    committed_amount: Decimal | None = None
    unit_price: Decimal | None = None
    discount_percent: Decimal | None = None  # None: the agreement's default discount


@dataclass(frozen=True)
class ReleaseLine:
    """A quantity to order from an agreement line; ``item`` only for a total value commitment, whose lines
    name none (then the order line is priced by the engine with the agreement's default discount)."""

    agreement_line: SalesAgreementLine
    quantity: Decimal
    item: Item | None = None


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
LINE_FIELDS = ("item", "committed_quantity", "committed_amount", "unit_price", "discount_percent")


def _decimal(value, field: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    number = decimal_or_none(value)
    if number is None:
        errors[field] = gettext("'%(value)s' is not a number.") % {"value": value}
    return number


def _type_label(commitment_type: str) -> str:
    return str(CommitmentType(commitment_type).label)


def _line_errors(
    commitment_type: str, line: AgreementLineInput, prefix: str
) -> tuple[dict[str, str], dict[str, Decimal | None]]:
    """What is wrong with a line for an agreement of ``commitment_type``, keyed ``<prefix>.<field>``, and its
    numbers as Decimals. A field the commitment type has no use for is refused, saying why, not dropped."""
    errors: dict[str, str] = {}
    values = {
        name: _decimal(getattr(line, name), f"{prefix}.{name}", errors)
        for name in ("committed_quantity", "committed_amount", "unit_price", "discount_percent")
    }
    kind = _type_label(commitment_type)
    used = LINE_FIELDS_BY_COMMITMENT[commitment_type]
    if "item" not in used:
        if line.item is not None:
            errors[f"{prefix}.item"] = gettext(
                "A total value commitment covers whatever the customer buys: its lines name no item."
            )
    elif line.item is None:
        errors[f"{prefix}.item"] = gettext("Choose the item this line agrees on.")
    elif not line.item.active:
        errors[f"{prefix}.item"] = gettext("Item %(number)s is inactive.") % {"number": line.item.number}

    quantity = values["committed_quantity"]
    if "committed_quantity" in used:
        if quantity is None:
            errors.setdefault(f"{prefix}.committed_quantity", gettext("Enter the quantity the customer commits to."))
        elif quantity <= 0:
            errors[f"{prefix}.committed_quantity"] = gettext("Quantity must be greater than zero.")
        elif quantity > MAX_QUANTITY:
            errors[f"{prefix}.committed_quantity"] = gettext("Quantity cannot be more than %(max)s.") % {
                "max": f"{MAX_QUANTITY:f}"
            }
    elif quantity is not None:
        errors[f"{prefix}.committed_quantity"] = gettext(
            "A %(kind)s agreement commits no quantity: leave the committed quantity empty."
        ) % {"kind": kind.lower()}

    amount = values["committed_amount"]
    if "committed_amount" in used:
        if amount is None:
            errors.setdefault(f"{prefix}.committed_amount", gettext("Enter the amount the customer commits to."))
        elif amount <= 0:
            errors[f"{prefix}.committed_amount"] = gettext("The committed amount must be greater than zero.")
        elif amount > MAX_AMOUNT:
            errors[f"{prefix}.committed_amount"] = gettext("The committed amount cannot be more than %(max)s.") % {
                "max": f"{MAX_AMOUNT:f}"
            }
    elif amount is not None:
        errors[f"{prefix}.committed_amount"] = gettext(
            "A %(kind)s agreement commits no amount: leave the committed amount empty."
        ) % {"kind": kind.lower()}

    price = values["unit_price"]
    discount = values["discount_percent"]
    if "unit_price" not in used:
        if price is not None:
            errors[f"{prefix}.unit_price"] = gettext(
                "Under a total value commitment prices come from the price lists: leave the unit price empty."
            )
        if discount is not None:
            errors[f"{prefix}.discount_percent"] = gettext(
                "Under a total value commitment the agreement's default discount applies: leave the line's "
                "discount empty."
            )
    else:
        if price is None:
            errors.setdefault(f"{prefix}.unit_price", gettext("Enter the agreed unit price."))
        elif price < 0:
            errors[f"{prefix}.unit_price"] = gettext("Unit price cannot be negative.")
        elif price > MAX_UNIT_PRICE:
            errors[f"{prefix}.unit_price"] = gettext("Unit price cannot be more than %(max)s.") % {
                "max": f"{MAX_UNIT_PRICE:f}"
            }
        if discount is not None and not ZERO <= discount <= 100:
            errors[f"{prefix}.discount_percent"] = gettext("Discount must be between 0 and 100 %.")
    return errors, values


def _lines_errors(commitment_type: str, lines: list[AgreementLineInput], prefix) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen: dict[int, int] = {}
    for index, line in enumerate(lines):
        errors.update(_line_errors(commitment_type, line, prefix(index))[0])
        if line.item is not None:
            if line.item.pk in seen:
                errors[f"{prefix(index)}.item"] = gettext(
                    "Item %(number)s is on the agreement once already: change that line instead."
                ) % {"number": line.item.number}
            seen[line.item.pk] = index
    return errors


def _header_errors(
    *,
    customer: Customer | None,
    commitment_type: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    currency: str,
    default_discount_percent,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if customer is None:
        errors["customer"] = gettext("Choose the customer the agreement is with.")
    elif customer.blocked:
        errors["customer"] = customer_blocked_refusal(customer)
    if commitment_type not in CommitmentType.values:
        errors["commitment_type"] = gettext("Unknown commitment type '%(value)s': choose one of %(choices)s.") % {
            "value": commitment_type,
            "choices": ", ".join(CommitmentType.values),
        }
    if currency not in Currency.values:
        errors["currency"] = gettext("Unknown currency '%(value)s': choose one of %(choices)s.") % {
            "value": currency,
            "choices": ", ".join(Currency.values),
        }
    for name, value in (("valid_from", valid_from), ("valid_to", valid_to)):
        if value is None:
            errors[name] = gettext("Enter the date.")
        elif not date_in_window(value):
            errors[name] = date_window_message()
    if "valid_from" not in errors and "valid_to" not in errors and valid_to < valid_from:
        errors["valid_to"] = gettext("An agreement cannot end (%(to)s) before it starts (%(from)s).") % {
            "to": valid_to.isoformat(),
            "from": valid_from.isoformat(),
        }
    discount = _decimal(default_discount_percent, "default_discount_percent", errors)
    if discount is not None and not ZERO <= discount <= 100:
        errors["default_discount_percent"] = gettext("Discount must be between 0 and 100 %.")
    return errors


def _line_build(agreement: SalesAgreement, line: AgreementLineInput, line_no: int) -> SalesAgreementLine:
    _errors, values = _line_errors(agreement.commitment_type, line, "line")
    return SalesAgreementLine(agreement=agreement, line_no=line_no, item=line.item, **values)


@transaction.atomic
def agreement_create(
    *,
    customer: Customer,
    commitment_type: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    by: User,
    lines: list[AgreementLineInput] | None = None,
    currency: str | None = None,
    default_discount_percent: Decimal = ZERO,
    description: str = "",
) -> SalesAgreement:
    """A new agreement, on hold: its lines can still change freely until it is activated. The currency is the
    customer's unless given."""
    lines = lines or []
    currency = currency or (customer.currency if customer is not None else "")
    errors = _header_errors(
        customer=customer,
        commitment_type=commitment_type,
        valid_from=valid_from,
        valid_to=valid_to,
        currency=currency,
        default_discount_percent=default_discount_percent,
    )
    if "commitment_type" not in errors:
        errors.update(_lines_errors(commitment_type, lines, lambda index: f"lines[{index}]"))
    if errors:
        raise ValidationFailed(field_errors=errors)
    agreement = SalesAgreement(
        customer=customer,
        commitment_type=commitment_type,
        valid_from=valid_from,
        valid_to=valid_to,
        currency=currency,
        default_discount_percent=Decimal(str(default_discount_percent or ZERO)),
        description=(description or "").strip(),
        created_by=by,
    )
    # The number is taken once the input is known to be good; a refusal above takes none.
    agreement.number = number_take(code="sales_agreement")
    agreement.save()
    SalesAgreementLine.objects.bulk_create(
        [_line_build(agreement, line, (index + 1) * 10) for index, line in enumerate(lines)]
    )
    return agreement


def _ensure(agreement: SalesAgreement, action: str) -> None:
    reason = agreement.refusal_reason(action)
    if reason:
        raise TransitionRefused(code=ErrorCode.SALES_AGREEMENT_NOT_EDITABLE, reason=reason)


def _plain(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # Normalized, so a value read back from its column equals the value as typed ("10.50" and "10.5000").
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def agreement_snapshot(agreement: SalesAgreement, lines: list[SalesAgreementLine]) -> dict:
    """The agreement's header and lines as JSON: what a version records."""
    return {
        "customer": agreement.customer.number,
        "commitment_type": agreement.commitment_type,
        "valid_from": _plain(agreement.valid_from),
        "valid_to": _plain(agreement.valid_to),
        "currency": agreement.currency,
        "default_discount_percent": _plain(agreement.default_discount_percent),
        "description": agreement.description,
        "lines": [
            {
                "line_no": line.line_no,
                "item": line.item.number if line.item_id else None,
                "committed_quantity": _plain(line.committed_quantity),
                "committed_amount": _plain(line.committed_amount),
                "unit_price": _plain(line.unit_price),
                "discount_percent": _plain(line.discount_percent),
            }
            for line in sorted(lines, key=lambda line: line.line_no)
        ],
    }


def _field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def snapshot_changes(before: dict | None, after: dict) -> list[str]:
    """What changed from one snapshot to the next, one sentence per change, in the reader's words."""
    if before is None:
        return [gettext("First version: the agreement became effective.")]
    changes = []
    for name in ("valid_from", "valid_to", "default_discount_percent", "description", "currency", "commitment_type"):
        if before.get(name) != after.get(name):
            changes.append(
                gettext("%(field)s: %(before)s → %(after)s")
                % {
                    "field": _field_label(SalesAgreement, name).capitalize(),
                    "before": before.get(name) or "—",
                    "after": after.get(name) or "—",
                }
            )
    old = {line["line_no"]: line for line in before["lines"]}
    new = {line["line_no"]: line for line in after["lines"]}
    for line_no in sorted(old.keys() | new.keys()):
        was, now = old.get(line_no), new.get(line_no)
        label = (now or was)["item"] or gettext("any item")
        if was is None:
            changes.append(gettext("Line %(line_no)s (%(item)s) added.") % {"line_no": line_no, "item": label})
        elif now is None:
            changes.append(gettext("Line %(line_no)s (%(item)s) removed.") % {"line_no": line_no, "item": label})
        else:
            for name in ("committed_quantity", "committed_amount", "unit_price", "discount_percent"):
                if was[name] != now[name]:
                    changes.append(
                        gettext("Line %(line_no)s (%(item)s): %(field)s %(before)s → %(after)s")
                        % {
                            "line_no": line_no,
                            "item": label,
                            "field": _field_label(SalesAgreementLine, name),
                            "before": was[name] or "—",
                            "after": now[name] or "—",
                        }
                    )
    return changes


def _version_record(agreement: SalesAgreement, lines: list[SalesAgreementLine], *, by: User) -> None:
    """Freeze the agreement as it stands as its next version, unless it still equals the last one."""
    snapshot = agreement_snapshot(agreement, lines)
    last = agreement.versions.order_by("-number").first()
    if last is not None and last.snapshot == snapshot:
        return
    agreement.version_count += 1
    SalesAgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version_count,
        snapshot=snapshot,
        changes=snapshot_changes(last.snapshot if last else None, snapshot),
        created_by=by,
    )
    SalesAgreement.objects.filter(pk=agreement.pk).update(version_count=agreement.version_count)


def _changed(agreement: SalesAgreement, *, by: User) -> None:
    """After a change: an effective agreement records it as a new version (read back fresh, in one place)."""
    if agreement.state == AgreementState.EFFECTIVE:
        _version_record(agreement, list(agreement.lines.select_related("item").order_by("line_no")), by=by)


@transaction.atomic
def agreement_update(
    *,
    agreement: SalesAgreement,
    by: User,
    customer: Customer = UNCHANGED,
    commitment_type: str = UNCHANGED,
    currency: str = UNCHANGED,
    valid_from: datetime.date = UNCHANGED,
    valid_to: datetime.date = UNCHANGED,
    default_discount_percent: Decimal = UNCHANGED,
    description: str = UNCHANGED,
) -> SalesAgreement:
    """Change the header; arguments left out stay as they are. The customer, commitment type and currency
    change only on hold; an effective agreement records the change as a new version."""
    agreement = lock_agreement(agreement.pk)
    _ensure(agreement, "edit")
    wanted = {
        "customer": customer,
        "commitment_type": commitment_type,
        "currency": currency,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "default_discount_percent": default_discount_percent,
        "description": description if description is UNCHANGED else str(description or "").strip(),
    }
    given = {name: value for name, value in wanted.items() if value is not UNCHANGED}
    terms = [name for name in ("customer", "commitment_type", "currency") if name in given]
    if any(given[name] != getattr(agreement, name) for name in terms):
        _ensure(agreement, "terms")
    merged = {name: given.get(name, getattr(agreement, name)) for name in wanted}
    errors = _header_errors(
        customer=merged["customer"],
        commitment_type=merged["commitment_type"],
        valid_from=merged["valid_from"],
        valid_to=merged["valid_to"],
        currency=merged["currency"],
        default_discount_percent=merged["default_discount_percent"],
    )
    if merged["customer"] is not None and merged["customer"] == agreement.customer and "customer" in errors:
        # A customer blocked since keeps its agreement; blocking stops releases, not edits.
        errors.pop("customer")
    lines = lock_agreement_lines(agreement)
    if "commitment_type" not in errors and merged["commitment_type"] != agreement.commitment_type:
        for index, line in enumerate(lines):
            line_errors, _values = _line_errors(
                merged["commitment_type"],
                AgreementLineInput(**{name: getattr(line, name) for name in LINE_FIELDS}),
                f"lines[{index}]",
            )
            if line_errors:
                errors["commitment_type"] = gettext(
                    "Line %(line_no)s does not fit a %(kind)s agreement: %(reason)s"
                ) % {
                    "line_no": line.line_no,
                    "kind": _type_label(merged["commitment_type"]).lower(),
                    "reason": next(iter(line_errors.values())),
                }
                break
    if errors:
        raise ValidationFailed(field_errors=errors)
    if "default_discount_percent" in given:
        merged["default_discount_percent"] = Decimal(str(merged["default_discount_percent"]))
    changed = [name for name in wanted if merged[name] != getattr(agreement, name)]
    for name in changed:
        setattr(agreement, name, merged[name])
    if changed:
        agreement.save(update_fields=[*changed, "updated_at"])
        if agreement.state == AgreementState.EFFECTIVE:
            _version_record(agreement, lines, by=by)
    return agreement


@transaction.atomic
def agreement_line_add(*, agreement: SalesAgreement, line: AgreementLineInput, by: User) -> SalesAgreementLine:
    agreement = lock_agreement(agreement.pk)
    _ensure(agreement, "edit")
    lines = lock_agreement_lines(agreement)
    errors, _values = _line_errors(agreement.commitment_type, line, "line")
    if line.item is not None and any(existing.item_id == line.item.pk for existing in lines):
        errors["line.item"] = gettext("Item %(number)s is on the agreement once already: change that line instead.") % {
            "number": line.item.number
        }
    if errors:
        raise ValidationFailed(field_errors={key.removeprefix("line."): value for key, value in errors.items()})
    created = _line_build(agreement, line, max((x.line_no for x in lines), default=0) + 10)
    created.save()
    _changed(agreement, by=by)
    return created


def _locked_line(agreement_line: SalesAgreementLine) -> tuple[SalesAgreement, SalesAgreementLine]:
    agreement = lock_agreement(agreement_line.agreement_id)
    _ensure(agreement, "edit")
    lines = lock_agreement_lines(agreement)
    line = next((x for x in lines if x.pk == agreement_line.pk), None)
    if line is None:
        raise ValidationFailed(field_errors={"line": gettext("This line is no longer on the agreement.")})
    return agreement, line


@transaction.atomic
def agreement_line_update(
    *,
    agreement_line: SalesAgreementLine,
    by: User,
    committed_quantity: Decimal | None = UNCHANGED,
    committed_amount: Decimal | None = UNCHANGED,
    unit_price: Decimal | None = UNCHANGED,
    discount_percent: Decimal | None = UNCHANGED,
) -> SalesAgreementLine:
    """Change a line's commitment, price or discount (its item stays: remove the line and add another)."""
    agreement, line = _locked_line(agreement_line)
    given = {
        "committed_quantity": committed_quantity,
        "committed_amount": committed_amount,
        "unit_price": unit_price,
        "discount_percent": discount_percent,
    }
    wanted = AgreementLineInput(
        item=line.item,
        **{name: getattr(line, name) if value is UNCHANGED else value for name, value in given.items()},
    )
    errors, values = _line_errors(agreement.commitment_type, wanted, "line")
    if errors:
        raise ValidationFailed(field_errors={key.removeprefix("line."): value for key, value in errors.items()})
    changed = [name for name, value in values.items() if value != getattr(line, name)]
    for name in changed:
        setattr(line, name, values[name])
    if changed:
        line.save(update_fields=changed)
        _changed(agreement, by=by)
    return line


@transaction.atomic
def agreement_line_remove(*, agreement_line: SalesAgreementLine, by: User) -> SalesAgreement:
    agreement, line = _locked_line(agreement_line)
    released = list(
        SalesOrderLine.objects.filter(agreement_line=line).values_list("order__number", flat=True).distinct()[:3]
    )
    if released:
        raise TransitionRefused(
            code=ErrorCode.SALES_AGREEMENT_IN_USE,
            reason=gettext(
                "Line %(line_no)s has orders released from it (%(orders)s): it stays on the agreement, its "
                "fulfilment is read from them."
            )
            % {"line_no": line.line_no, "orders": ", ".join(released)},
        )
    line.delete()
    _changed(agreement, by=by)
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: SalesAgreement, by: User) -> None:
    """Delete an agreement that never became effective; one that did keeps its versions and is closed or
    canceled instead."""
    agreement = lock_agreement(agreement.pk)
    if agreement.state != AgreementState.ON_HOLD and not agreement.version_count:
        raise TransitionRefused(
            code=ErrorCode.SALES_AGREEMENT_NOT_EDITABLE,
            reason=gettext("Agreement %(number)s is %(state)s: it is kept as it is, not deleted.")
            % {"number": agreement.number, "state": agreement.get_state_display().lower()},
        )
    if agreement.version_count:
        raise TransitionRefused(
            code=ErrorCode.SALES_AGREEMENT_NOT_EDITABLE,
            reason=gettext("Agreement %(number)s has been effective: cancel or close it instead of deleting it.")
            % {"number": agreement.number},
        )
    agreement.lines.all().delete()
    agreement.delete()


@transaction.atomic
def agreement_activate(*, agreement: SalesAgreement, by: User) -> SalesAgreement:
    """Make the agreement effective; it is recorded as a new version when it differs from the last one (v1 the
    first time)."""
    agreement = lock_agreement(agreement.pk)
    lines = lock_agreement_lines(agreement)
    transition_run(agreement.activate, by=by)
    transition_save(agreement)
    _version_record(agreement, lines, by=by)
    return agreement


def _transition(name: str):
    @transaction.atomic
    def service(*, agreement: SalesAgreement, by: User, reason: str = "") -> SalesAgreement:
        agreement = lock_agreement(agreement.pk)
        transition_run(getattr(agreement, name), by=by, description=(reason or "").strip())
        transition_save(agreement)
        return agreement

    service.__name__ = f"agreement_{name}"
    service.__doc__ = f"Fire the agreement's '{name}' transition, with an optional reason for its log."
    return service


agreement_hold = _transition("hold")
agreement_close = _transition("close")
agreement_cancel = _transition("cancel")


def _release_line(entry) -> ReleaseLine:
    return entry if isinstance(entry, ReleaseLine) else ReleaseLine(*entry)


@transaction.atomic
def agreement_release(
    *,
    agreement: SalesAgreement,
    lines: list[ReleaseLine | tuple],
    requested_ship_date: datetime.date,
    by: User,
    customer_reference: str = "",
) -> SalesOrder:
    """Release a sales order for the agreement's customer: the picked agreement lines and quantities, at the
    agreement's prices, shipping on ``requested_ship_date``. Only from an effective agreement, with the ship
    date inside its validity. ``lines``: ``ReleaseLine``s or (agreement line, quantity[, item]) tuples."""
    if not by.has_perm(RELEASE_PERMISSION):
        raise ActionForbidden(code=CoreErrorCode.PERMISSION_DENIED, reason=gettext(ROLE_REFUSAL))
    agreement = lock_agreement(agreement.pk)
    agreement_lines = {line.pk: line for line in lock_agreement_lines(agreement)}
    reason = agreement.refusal_reason("release")
    if reason:
        raise TransitionRefused(code=ErrorCode.SALES_AGREEMENT_NOT_RELEASABLE, reason=reason)
    customer = agreement.customer
    if agreement.currency != customer.currency:
        raise TransitionRefused(
            code=ErrorCode.SALES_AGREEMENT_NOT_RELEASABLE,
            reason=gettext("Agreement %(number)s is in %(currency)s, but customer %(customer)s orders in %(ordered)s.")
            % {
                "number": agreement.number,
                "currency": agreement.currency,
                "customer": customer.number,
                "ordered": customer.currency,
            },
        )
    errors: dict[str, str] = {}
    if requested_ship_date is None:
        errors["requested_ship_date"] = gettext("Enter the requested ship date.")
    elif not date_in_window(requested_ship_date):
        errors["requested_ship_date"] = date_window_message()
    elif not agreement.covers(requested_ship_date):
        errors["requested_ship_date"] = gettext(
            "The requested ship date %(date)s is outside the agreement's validity (%(from)s to %(to)s)."
        ) % {
            "date": requested_ship_date.isoformat(),
            "from": agreement.valid_from.isoformat(),
            "to": agreement.valid_to.isoformat(),
        }
    picked = [_release_line(entry) for entry in lines]
    if not picked:
        errors["lines"] = gettext("Pick at least one agreement line and a quantity to release.")
    items: list[Item | None] = []
    for index, entry in enumerate(picked):
        prefix = f"lines[{index}]"
        line = agreement_lines.get(entry.agreement_line.pk)
        item = None
        if line is None:
            errors[f"{prefix}.agreement_line"] = gettext("That line is not on agreement %(number)s.") % {
                "number": agreement.number
            }
        elif line.item_id is None:
            item = entry.item
            if item is None:
                errors[f"{prefix}.item"] = gettext("Choose the item to order under the total value commitment.")
        else:
            item = line.item
            if entry.item is not None and entry.item.pk != line.item_id:
                errors[f"{prefix}.item"] = gettext("Line %(line_no)s agrees on %(item)s, not on %(other)s.") % {
                    "line_no": line.line_no,
                    "item": line.item.number,
                    "other": entry.item.number,
                }
        items.append(item)
    if errors:
        raise ValidationFailed(field_errors=errors)
    prices = prices_for(
        customer=customer,
        lines=[(item, entry.quantity) for item, entry in zip(items, picked, strict=True)],
        date=requested_ship_date,
        currency=agreement.currency,
        agreement=agreement,
    )
    inputs = [
        OrderLineInput(
            item=item,
            quantity=entry.quantity,
            unit_price=price.unit_price,
            discount_percent=price.discount_percent,
            price_source=price.source,
            requested_ship_date=requested_ship_date,
            agreement_line=agreement_lines[entry.agreement_line.pk],
        )
        for item, entry, price in zip(items, picked, prices, strict=True)
    ]
    return order_create(
        customer=customer,
        lines=inputs,
        requested_ship_date=requested_ship_date,
        customer_reference=customer_reference,
        agreement=agreement,
        by=by,
    )
