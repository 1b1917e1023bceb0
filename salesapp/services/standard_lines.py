"""Standard sales lines: maintaining the named sets and inserting one into an order or a draft quotation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.money import MAX_QUANTITY
from salesapp.errors import ErrorCode
from salesapp.models import (
    Customer,
    Item,
    Quotation,
    QuotationLine,
    SalesOrder,
    SalesOrderLine,
    StandardLine,
    StandardLineSet,
)
from salesapp.services.orders import UNCHANGED, OrderLineInput, order_lines_add
from salesapp.services.quotations import QuotationLineInput, quotation_lines_add
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class StandardLineInput:
    item: Item
    quantity: Decimal


def _lines_errors(lines: list[StandardLineInput]) -> dict[str, str]:
    errors = {}
    if not lines:
        errors["lines"] = gettext("A standard line set needs at least one line.")
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            errors[f"lines[{index}].quantity"] = gettext("Quantity must be greater than zero.")
        elif line.quantity > MAX_QUANTITY:
            errors[f"lines[{index}].quantity"] = gettext("Quantity cannot be more than %(max)s.") % {
                "max": f"{MAX_QUANTITY:f}"
            }
    return errors


def _lines_replace(line_set: StandardLineSet, lines: list[StandardLineInput]) -> None:
    line_set.lines.all().delete()
    StandardLine.objects.bulk_create(
        StandardLine(line_set=line_set, line_no=(index + 1) * 10, item=line.item, quantity=line.quantity)
        for index, line in enumerate(lines)
    )


def _name_taken(line_set: StandardLineSet) -> None:
    others = StandardLineSet.objects.filter(name=line_set.name, customer=line_set.customer).exclude(pk=line_set.pk)
    if others.exists():
        raise ValidationFailed(
            field_errors={"name": gettext("There is already a set named %(name)s.") % {"name": line_set.name}}
        )


@transaction.atomic
def standard_line_set_create(
    *,
    name: str,
    lines: list[StandardLineInput],
    by: User,
    customer: Customer | None = None,
    active: bool = True,
) -> StandardLineSet:
    line_set = StandardLineSet(name=name.strip(), customer=customer, active=active, created_by=by)
    errors = _lines_errors(lines)
    try:
        model_validated(line_set, exclude=["created_by"])
    except ValidationFailed as exc:
        errors = {**exc.field_errors, **errors}
    if errors:
        raise ValidationFailed(field_errors=errors)
    _name_taken(line_set)
    line_set.save()
    _lines_replace(line_set, lines)
    return line_set


@transaction.atomic
def standard_line_set_update(
    *,
    line_set: StandardLineSet,
    by: User,
    name: str | None = None,
    customer: Customer | None = UNCHANGED,
    active: bool | None = None,
    lines: list[StandardLineInput] | None = None,
) -> StandardLineSet:
    """Change a set; arguments left out stay as they are, ``lines`` replaces all its lines."""
    line_set = StandardLineSet.objects.select_for_update().get(pk=line_set.pk)
    if name is not None:
        line_set.name = name.strip()
    if customer is not UNCHANGED:
        line_set.customer = customer
    if active is not None:
        line_set.active = active
    errors = _lines_errors(lines) if lines is not None else {}
    try:
        model_validated(line_set, exclude=["created_by"])
    except ValidationFailed as exc:
        errors = {**exc.field_errors, **errors}
    if errors:
        raise ValidationFailed(field_errors=errors)
    _name_taken(line_set)
    line_set.save()
    if lines is not None:
        _lines_replace(line_set, lines)
    return line_set


@transaction.atomic
def standard_line_set_delete(*, line_set: StandardLineSet, by: User) -> None:
    StandardLineSet.objects.filter(pk=line_set.pk).delete()


def _insertable_lines(line_set: StandardLineSet, *, customer_id: int | None, other_customer: str) -> list[StandardLine]:
    """The set's lines when it may be inserted into a document of ``customer_id`` (None: a prospect); refused
    otherwise, ``other_customer`` saying why a set of another customer is not."""
    line_set = StandardLineSet.objects.select_related("customer").get(pk=line_set.pk)
    if not line_set.active:
        raise ValidationFailed(
            code=ErrorCode.STANDARD_LINES_REFUSED,
            field_errors={"line_set": gettext("The set %(name)s is inactive.") % {"name": line_set.name}},
        )
    if line_set.customer_id and line_set.customer_id != customer_id:
        raise ValidationFailed(
            code=ErrorCode.STANDARD_LINES_REFUSED,
            field_errors={"line_set": other_customer % {"name": line_set.name, "customer": line_set.customer.number}},
        )
    lines = list(line_set.lines.select_related("item__tax_code").order_by("line_no"))
    inactive = [line.item.number for line in lines if not line.item.active]
    if inactive:
        raise ValidationFailed(
            code=ErrorCode.STANDARD_LINES_REFUSED,
            field_errors={
                "line_set": gettext("The set %(name)s has items that are no longer sold: %(items)s.")
                % {"name": line_set.name, "items": ", ".join(inactive)}
            },
        )
    if not lines:
        raise ValidationFailed(
            code=ErrorCode.STANDARD_LINES_REFUSED,
            field_errors={"line_set": gettext("The set %(name)s has no lines.") % {"name": line_set.name}},
        )
    return lines


@transaction.atomic
def standard_lines_insert(*, order: SalesOrder, line_set: StandardLineSet, by: User) -> list[SalesOrderLine]:
    """Add the set's lines to an open order, priced now by the pricing engine (``price_for``) as if typed.

    Refused as a whole, with nothing added, for an inactive set, a set of another customer, or a set with an
    item that is no longer sold."""
    lines = _insertable_lines(
        line_set,
        customer_id=order.customer_id,
        other_customer=gettext("The set %(name)s is for customer %(customer)s, not for this order's customer."),
    )
    inputs = [OrderLineInput(item=line.item, quantity=line.quantity) for line in lines]
    return order_lines_add(order=order, lines=inputs, by=by)


@transaction.atomic
def quotation_standard_lines_insert(
    *, quotation: Quotation, line_set: StandardLineSet, by: User
) -> list[QuotationLine]:
    """Add the set's lines to a draft quotation, priced now by the pricing engine; the same refusals as for an
    order (a prospect, having no customer account yet, may use only the sets for every customer)."""
    lines = _insertable_lines(
        line_set,
        customer_id=quotation.customer_id,
        other_customer=gettext(
            "The set %(name)s is for customer %(customer)s, not for this quotation's customer or prospect."
        ),
    )
    inputs = [QuotationLineInput(item=line.item, quantity=line.quantity) for line in lines]
    return quotation_lines_add(quotation=quotation, lines=inputs, by=by)
