"""Maintaining trade agreement lines: created, changed and switched off through these services only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.money import MAX_UNIT_PRICE
from salesapp.choices import AgreementKind
from salesapp.models import TradeAgreementLine
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TRADE_AGREEMENT_FIELDS = (
    "kind",
    "applies_to",
    "customer",
    "price_group",
    "item",
    "item_group",
    "currency",
    "unit",
    "from_quantity",
    "valid_from",
    "valid_to",
    "unit_price",
    "discount_percent",
    "active",
)


def _unknown_refuse(fields: dict) -> None:
    unknown = set(fields) - set(TRADE_AGREEMENT_FIELDS)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})


def trade_agreement_line_validated(line: TradeAgreementLine) -> TradeAgreementLine:
    """Field errors for a line as it stands, without saving it (also the price list import's row check)."""
    line.unit = (line.unit or "").strip()
    model_validated(line, exclude=["created_by"])
    if line.kind == AgreementKind.PRICE and line.unit_price > MAX_UNIT_PRICE:
        raise ValidationFailed(
            field_errors={
                "unit_price": gettext("The unit price cannot be more than %(max)s.") % {"max": f"{MAX_UNIT_PRICE:f}"}
            }
        )
    return line


@transaction.atomic
def trade_agreement_line_create(*, by: User, **fields) -> TradeAgreementLine:
    _unknown_refuse(fields)
    line = trade_agreement_line_validated(TradeAgreementLine(created_by=by, **fields))
    line.save()
    return line


@transaction.atomic
def trade_agreement_line_update(*, line: TradeAgreementLine, by: User, **fields) -> TradeAgreementLine:
    _unknown_refuse(fields)
    line = TradeAgreementLine.objects.select_for_update().get(pk=line.pk)
    for name, value in fields.items():
        setattr(line, name, value)
    trade_agreement_line_validated(line)
    line.save()
    return line


@transaction.atomic
def trade_agreement_line_deactivate(*, line: TradeAgreementLine, by: User) -> TradeAgreementLine:
    """Switch a line off: documents priced by it keep their prices, new lines no longer get it."""
    line = TradeAgreementLine.objects.select_for_update().get(pk=line.pk)
    if line.active:
        line.active = False
        line.save(update_fields=["active", "updated_at"])
    return line


@transaction.atomic
def trade_agreement_line_delete(*, line: TradeAgreementLine, by: User) -> None:
    """Remove a line entered by mistake; document lines keep the prices it gave (they store them)."""
    TradeAgreementLine.objects.filter(pk=line.pk).delete()
