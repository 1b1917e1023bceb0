"""Maintaining trade agreement lines: created, changed and switched off through these services only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.money import MAX_UNIT_PRICE
from salesapp.choices import AgreementKind
from salesapp.models import (
    CustomerPriceGroup,
    CustomerTaxGroup,
    ItemGroup,
    ItemTaxGroup,
    TaxCode,
    TaxDetermination,
    TradeAgreementLine,
)
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PricingGroup = CustomerPriceGroup | ItemGroup | CustomerTaxGroup | ItemTaxGroup

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


@transaction.atomic
def pricing_group_create(*, model: type[PricingGroup], by: User, code: str, name: str) -> PricingGroup:
    """A customer price group, item group, customer tax group or item tax group."""
    group = model_validated(model(code=code.strip(), name=name.strip()))
    group.save()
    return group


@transaction.atomic
def pricing_group_update(*, group: PricingGroup, by: User, **fields) -> PricingGroup:
    unknown = set(fields) - {"code", "name"}
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})
    group = type(group).objects.select_for_update().get(pk=group.pk)
    for name, value in fields.items():
        setattr(group, name, value.strip())
    model_validated(group)
    group.save()
    return group


@transaction.atomic
def tax_determination_set(
    *, customer_tax_group: CustomerTaxGroup, item_tax_group: ItemTaxGroup, tax_code: TaxCode, by: User
) -> TaxDetermination:
    """The tax code for a pair of tax groups: set, or changed when the pair has one already (one row per pair)."""
    if not tax_code.active:
        raise ValidationFailed(
            field_errors={"tax_code": gettext("Tax code %(code)s is no longer in use.") % {"code": tax_code.code}}
        )
    row, _created = TaxDetermination.objects.update_or_create(
        customer_tax_group=customer_tax_group, item_tax_group=item_tax_group, defaults={"tax_code": tax_code}
    )
    return row


@transaction.atomic
def tax_determination_delete(*, determination: TaxDetermination, by: User) -> None:
    """The pair falls back to the item's own tax code; lines already entered keep theirs."""
    TaxDetermination.objects.filter(pk=determination.pk).delete()
