"""Inbound supply from a CSV file: all rows or none, like the price list import.

UTF-8 (a byte order mark is fine), separated by ``;`` or ``,`` (the header row decides), a header row naming the
columns in any case and order:

    vendor, item, quantity, expected_date, reference

``vendor`` is the vendor's party id or its exact name (a name two parties share must be given as the id), ``item``
an item number, ``expected_date`` ISO (2030-01-31), ``quantity`` takes a dot or a comma, ``reference`` (the
vendor's order number) may be left out. Every row is judged by the same rules as a line typed in by hand; when
any row is wrong nothing is imported and the refusal names every wrong row by its line in the file (the header is
line 1) and column."""

from __future__ import annotations

import datetime
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext, ngettext

from core.csv_import import CsvUpload, ImportRefused, data_rows, header_names, uploaded_csv
from core.errors import ActionForbidden
from core.errors import ErrorCode as CoreErrorCode
from core.money import decimal_or_none
from core.numbering import number_take
from marketing.models import Party
from salesapp.errors import ErrorCode
from salesapp.models import InboundSupplyLine, Item
from salesapp.services.supply import supply_line_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COLUMNS = ("vendor", "item", "quantity", "expected_date", "reference")
REQUIRED = ("vendor", "item", "quantity", "expected_date")


class SupplyImportRefused(ImportRefused):
    """A file that was not imported; ``rows`` lists every wrong row as "line N: column: …"."""

    code = ErrorCode.SUPPLY_IMPORT_REFUSED


def _upload(file) -> CsvUpload:
    return uploaded_csv(file, refused=lambda reason: SupplyImportRefused(reason=reason))


def _header(cells: list[str]) -> list[str]:
    names = header_names(cells, COLUMNS, refused=lambda reason: SupplyImportRefused(reason=reason))
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise SupplyImportRefused(
            reason=gettext("The file needs the column %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return names


class _Lookups:
    """The vendors and items the file names, read in three queries for the whole file."""

    def __init__(self, rows: list[dict[str, str]]):
        vendors = {row.get("vendor", "").strip() for row in rows} - {""}
        ids = {int(value) for value in vendors if value.isdigit()}
        names = {value.lower() for value in vendors if not value.isdigit()}
        self.vendors_by_id = {party.pk: party for party in Party.objects.filter(pk__in=ids)}
        self.vendors_by_name: dict[str, list[Party]] = {}
        for party in Party.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=names):
            self.vendors_by_name.setdefault(party.lower_name, []).append(party)
        numbers = {row.get("item", "").strip() for row in rows} - {""}
        self.items = {item.number: item for item in Item.objects.filter(number__in=numbers)}

    def vendor(self, value: str) -> tuple[Party | None, str | None]:
        if value.isdigit():
            party = self.vendors_by_id.get(int(value))
            return party, None if party else gettext("no party has id %(value)s.") % {"value": value}
        found = self.vendors_by_name.get(value.lower(), [])
        if len(found) == 1:
            return found[0], None
        if found:
            return None, gettext("%(count)d parties are named '%(value)s': give the party id.") % {
                "count": len(found),
                "value": value,
            }
        return None, gettext("no party is named '%(value)s'.") % {"value": value}


def _row_line(row: dict[str, str], lookups: _Lookups, by: User) -> tuple[InboundSupplyLine, list[str]]:
    problems: list[str] = []
    # Columns whose value names nothing: reported here once, not again as missing by the line's rules.
    unresolved: set[str] = set()
    vendor = item = expected_date = None
    value = row.get("vendor", "").strip()
    if value:
        vendor, problem = lookups.vendor(value)
        if problem:
            problems.append(f"vendor: {problem}")
            unresolved.add("vendor")
    value = row.get("item", "").strip()
    if value:
        item = lookups.items.get(value)
        if item is None:
            problems.append(gettext("item: '%(value)s' does not exist.") % {"value": value})
            unresolved.add("item")
    value = row.get("expected_date", "").strip()
    if value:
        try:
            expected_date = datetime.date.fromisoformat(value)
        except ValueError:
            problems.append(gettext("expected_date: '%(value)s' is not a date like 2030-01-31.") % {"value": value})
            unresolved.add("expected_date")
    quantity = row.get("quantity", "").strip().replace(",", ".")
    reference = row.get("reference", "").strip()
    errors = supply_line_errors(
        vendor=vendor, item=item, quantity=quantity, expected_date=expected_date, reference=reference
    )
    problems.extend(f"{field}: {message}" for field, message in errors.items() if field not in unresolved)
    line = InboundSupplyLine(
        vendor=vendor,
        item=item,
        quantity=decimal_or_none(quantity),
        expected_date=expected_date,
        reference=reference,
        created_by=by,
    )
    return line, problems


@transaction.atomic
def supply_lines_import(*, file: bytes | str | IO[bytes], by: User) -> list[InboundSupplyLine]:
    """One numbered supply line per data row, or none when any row is wrong (SupplyImportRefused)."""
    if not by.has_perm("salesapp.add_inboundsupplyline"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow entering inbound supply.")
        )
    upload = _upload(file)
    parsed, errors = data_rows(upload, header=_header)
    if not parsed and not errors:
        raise SupplyImportRefused(reason=gettext("The file has a header row but no supply lines."))
    lookups = _Lookups([row for _number, row in parsed])
    lines = []
    for number, row in parsed:
        line, problems = _row_line(row, lookups, by)
        if problems:
            errors.append((number, " ".join(problems)))
        lines.append(line)
    if errors:
        errors.sort()
        raise SupplyImportRefused(
            reason=ngettext(
                "%(count)d line of the file is wrong: nothing was imported.",
                "%(count)d lines of the file are wrong: nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
            rows=[gettext("line %(line)d: %(reason)s") % {"line": n, "reason": why} for n, why in errors],
        )
    # Numbers last, in file order, once every row is known to be good (nothing taken for a refused file).
    for line in lines:
        line.number = number_take(code="supply")
    return InboundSupplyLine.objects.bulk_create(lines)
