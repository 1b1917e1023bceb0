"""A price list from a CSV file: all rows or none, like the lead import.

UTF-8 (a byte order mark is fine), separated by ``;`` or ``,`` (the header row decides), a header row naming the
columns in any case and order:

    item, item_group, customer, price_group, currency, unit, from_quantity, valid_from, valid_to, price, discount

A row with a ``price`` is a price line for ``item``; a row with a ``discount`` (and no price) is a discount line for
``item`` or ``item_group``. ``customer`` (a customer number) or ``price_group`` (a group code) says whom the line is
for; neither means all customers. ``currency`` is empty for the company currency; dates are ISO (2030-01-31);
decimals take a dot or a comma. Every row is judged by the same rules as a line typed in by hand; when any row is
wrong nothing is imported and the refusal names every wrong row by its line in the file (the header is line 1)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext, ngettext

from core.csv_import import CsvUpload, ImportRefused, data_rows, header_names, uploaded_csv
from core.errors import ValidationFailed
from salesapp.choices import AgreementAppliesTo, AgreementKind
from salesapp.errors import ErrorCode
from salesapp.models import Customer, CustomerPriceGroup, Item, ItemGroup, TradeAgreementLine
from salesapp.selectors.pricing import company_currency
from salesapp.services.pricing import trade_agreement_line_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COLUMNS = (
    "item",
    "item_group",
    "customer",
    "price_group",
    "currency",
    "unit",
    "from_quantity",
    "valid_from",
    "valid_to",
    "price",
    "discount",
)
# The line's field → the file's column, to name a refused field as the file does.
_FIELD_COLUMNS = {"unit_price": "price", "discount_percent": "discount", "applies_to": "customer"}


class PriceListImportRefused(ImportRefused):
    """A file that was not imported; ``rows`` lists every wrong row as "line N: …"."""

    code = ErrorCode.PRICE_LIST_IMPORT_REFUSED


def _upload(file) -> CsvUpload:
    return uploaded_csv(file, refused=lambda reason: PriceListImportRefused(reason=reason))


def _header(cells: list[str]) -> list[str]:
    names = header_names(cells, COLUMNS, refused=lambda reason: PriceListImportRefused(reason=reason))
    if "price" not in names and "discount" not in names:
        raise PriceListImportRefused(reason=gettext("The file needs a 'price' or a 'discount' column."))
    return names


def _decimal(value: str, column: str, problems: list[str]) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        problems.append(gettext("%(column)s: '%(value)s' is not a number.") % {"column": column, "value": value})
        return None


def _date(value: str, column: str, problems: list[str]) -> datetime.date | None:
    if not value.strip():
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(
            gettext("%(column)s: '%(value)s' is not a date like 2030-01-31.") % {"column": column, "value": value}
        )
        return None


class _Lookups:
    """Items, groups and customers the file names, read in four queries for the whole file."""

    def __init__(self, rows: list[dict[str, str]]):
        def wanted(column: str) -> set[str]:
            return {row[column].strip() for row in rows if row.get(column, "").strip()}

        self.items = {i.number: i for i in Item.objects.filter(number__in=wanted("item"))}
        self.item_groups = {g.code: g for g in ItemGroup.objects.filter(code__in=wanted("item_group"))}
        self.customers = {c.number: c for c in Customer.objects.filter(number__in=wanted("customer"))}
        self.price_groups = {g.code: g for g in CustomerPriceGroup.objects.filter(code__in=wanted("price_group"))}


def _line_for_row(row: dict[str, str], *, by: User, lookups: _Lookups) -> tuple[TradeAgreementLine, list[str]]:
    problems: list[str] = []
    references = {}
    for column, table in (
        ("item", lookups.items),
        ("item_group", lookups.item_groups),
        ("customer", lookups.customers),
        ("price_group", lookups.price_groups),
    ):
        key = row.get(column, "").strip()
        references[column] = table.get(key) if key else None
        if key and references[column] is None:
            problems.append(gettext("%(column)s: '%(value)s' does not exist.") % {"column": column, "value": key})
    price = _decimal(row.get("price", ""), "price", problems)
    discount = _decimal(row.get("discount", ""), "discount", problems)
    applies_to = (
        AgreementAppliesTo.CUSTOMER
        if row.get("customer", "").strip()
        else AgreementAppliesTo.PRICE_GROUP
        if row.get("price_group", "").strip()
        else AgreementAppliesTo.ALL
    )
    line = TradeAgreementLine(
        created_by=by,
        kind=AgreementKind.DISCOUNT if price is None and discount is not None else AgreementKind.PRICE,
        applies_to=applies_to,
        currency=row.get("currency", "").strip().upper() or company_currency(),
        unit=row.get("unit", "").strip(),
        from_quantity=_decimal(row.get("from_quantity", ""), "from_quantity", problems) or Decimal("0"),
        valid_from=_date(row.get("valid_from", ""), "valid_from", problems),
        valid_to=_date(row.get("valid_to", ""), "valid_to", problems),
        unit_price=price,
        discount_percent=discount,
        **references,
    )
    if price is None and discount is None and not problems:
        problems.append(gettext("price or discount: give one of them."))
    if not problems:
        try:
            trade_agreement_line_validated(line)
        except ValidationFailed as refused:
            problems.extend(
                f"{_FIELD_COLUMNS.get(field, field)}: {message}" for field, message in refused.field_errors.items()
            )
    return line, problems


@transaction.atomic
def price_list_import(*, file: bytes | IO[bytes], by: User) -> list[TradeAgreementLine]:
    """Create one trade agreement line per data row, or none when any row is wrong (PriceListImportRefused)."""
    upload = _upload(file)
    parsed, errors = data_rows(upload, header=_header)
    if not parsed and not errors:
        raise PriceListImportRefused(reason=gettext("The file has a header row but no prices."))
    lookups = _Lookups([row for _line, row in parsed])
    lines = []
    for number, row in parsed:
        line, problems = _line_for_row(row, by=by, lookups=lookups)
        if problems:
            errors.append((number, " ".join(problems)))
        lines.append(line)
    if errors:
        errors.sort()
        raise PriceListImportRefused(
            reason=ngettext(
                "%(count)d line of the file is wrong: nothing was imported.",
                "%(count)d lines of the file are wrong: nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
            rows=[gettext("line %(line)d: %(reason)s") % {"line": n, "reason": why} for n, why in errors],
        )
    return TradeAgreementLine.objects.bulk_create(lines)
