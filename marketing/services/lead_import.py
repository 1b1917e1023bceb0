"""Leads from a CSV file: all rows or none.

The file is UTF-8 (a byte order mark, as spreadsheet programs write it, is fine), separated by ``;`` or ``,``
(whichever the header row uses), with a header row naming the columns. Column names, in any case and order:

    company, contact, email, phone, postcode, city, country, source, campaign, owner, notes

``company`` or ``contact`` must be there. ``source`` is one of trade_show, campaign, web, referral, import (or
its label, e.g. "Trade show"); empty means the import's default source. ``campaign`` is a campaign number,
``owner`` a user name. Every row is judged by the same rules as a lead typed in by hand; when any row is wrong
nothing is imported and the refusal names every wrong row by its line in the file (the header is line 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext, ngettext

from core.csv_import import CsvUpload, csv_rows, uploaded_csv
from core.errors import ValidationFailed
from marketing.choices import LeadSource
from marketing.errors import ErrorCode
from marketing.models import Campaign, Lead
from marketing.services.leads import lead_create, lead_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Column name in the file → Lead field. The model's own names are accepted too.
COLUMNS = {
    "company": "company_name",
    "contact": "contact_name",
    "email": "email",
    "phone": "phone",
    "postcode": "postcode",
    "city": "city",
    "country": "country",
    "source": "source",
    "campaign": "campaign",
    "owner": "owner",
    "notes": "notes",
}
ALIASES = {"company_name": "company", "contact_name": "contact"}
ACCEPTED_COLUMNS = tuple(COLUMNS)


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return gettext("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.message}


class LeadImportRefused(ValidationFailed):
    """A file that was not imported; ``rows`` lists every wrong row with its line number."""

    def __init__(self, *, reason: str, rows: list[RowError] = ()):
        self.rows = list(rows)
        details = "\n".join(str(row) for row in self.rows) or reason
        super().__init__(code=ErrorCode.LEAD_IMPORT_REFUSED, reason=reason, field_errors={"file": details})

    @property
    def errors(self) -> list[dict]:
        if not self.rows:
            return [{"field": "file", "message": self.reason}]
        return [{"field": "file", "line": row.line, "message": str(row)} for row in self.rows]


def _upload(file) -> CsvUpload:
    return uploaded_csv(file, refused=lambda reason: LeadImportRefused(reason=reason))


def _header(cells: list[str]) -> list[str]:
    names = [ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in cells]
    unknown = [cell.strip() for cell, name in zip(cells, names, strict=True) if name not in COLUMNS]
    if unknown:
        raise LeadImportRefused(
            reason=ngettext(
                "Unknown column %(columns)s. The columns are: %(accepted)s.",
                "Unknown columns %(columns)s. The columns are: %(accepted)s.",
                len(unknown),
            )
            % {"columns": ", ".join(f"'{name}'" for name in unknown), "accepted": ", ".join(ACCEPTED_COLUMNS)}
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise LeadImportRefused(
            reason=gettext("Column %(columns)s appears more than once.") % {"columns": ", ".join(repeated)}
        )
    if "company" not in names and "contact" not in names:
        raise LeadImportRefused(reason=gettext("The file needs a 'company' or a 'contact' column."))
    return names


def _source(value: str, default: str) -> str:
    wanted = value.strip().lower()
    if not wanted:
        return default
    for choice, label in LeadSource.choices:
        if wanted in (choice, str(label).lower(), choice.replace("_", " ")):
            return choice
    return value.strip()


@dataclass
class _Lookups:
    """Campaigns and owners the file names, read in two queries for the whole file."""

    campaigns: dict[str, Campaign]
    owners: dict[str, object]

    @classmethod
    def for_rows(cls, rows: list[dict[str, str]]) -> _Lookups:
        numbers = {row["campaign"].strip().upper() for row in rows if row.get("campaign", "").strip()}
        usernames = {row["owner"].strip().lower() for row in rows if row.get("owner", "").strip()}
        user_model = get_user_model()
        campaigns = {c.number.upper(): c for c in Campaign.objects.filter(number__in=numbers)} if numbers else {}
        owners = {}
        if usernames:
            field = user_model.USERNAME_FIELD
            found = user_model.objects.annotate(lowered=Lower(field)).filter(lowered__in=usernames)
            owners = {user.get_username().lower(): user for user in found}
        return cls(campaigns=campaigns, owners=owners)


def _lead_for_row(row: dict[str, str], *, by: User, default_source: str, lookups: _Lookups) -> tuple[dict, list[str]]:
    """The lead_create arguments for a row, and what is wrong with it (in the file's column names)."""
    problems: list[str] = []
    values = {COLUMNS[name]: row.get(name, "") for name in COLUMNS if name not in ("campaign", "owner", "source")}
    values["source"] = _source(row.get("source", ""), default_source)
    campaign_number = row.get("campaign", "").strip()
    values["campaign"] = lookups.campaigns.get(campaign_number.upper()) if campaign_number else None
    if campaign_number and values["campaign"] is None:
        problems.append(gettext("campaign: no campaign has number '%(number)s'.") % {"number": campaign_number})
    username = row.get("owner", "").strip()
    values["owner"] = lookups.owners.get(username.lower()) if username else None
    if username and values["owner"] is None:
        problems.append(gettext("owner: no user is called '%(name)s'.") % {"name": username})
    columns = {field: name for name, field in COLUMNS.items()}
    for field, message in lead_errors(Lead(created_by=by, **values)).items():
        problems.append(f"{columns.get(field, field)}: {message}")
    return values, problems


@transaction.atomic
def lead_import(*, file: bytes | IO[bytes], by: User, default_source: str = LeadSource.IMPORT) -> list[Lead]:
    """Create one lead per data row of a CSV file, or none at all when any row is wrong (LeadImportRefused)."""
    rows = csv_rows(_upload(file))
    _, header_cells = next(rows)
    names = _header(header_cells)
    parsed: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            errors.append(
                RowError(
                    line,
                    gettext("%(found)d values but the header names %(columns)d columns.")
                    % {"found": len(cells), "columns": len(names)},
                )
            )
            continue
        parsed.append((line, dict(zip(names, cells, strict=False))))
    if not parsed and not errors:
        raise LeadImportRefused(reason=gettext("The file has a header row but no leads."))
    lookups = _Lookups.for_rows([row for _, row in parsed])
    leads_to_create: list[dict] = []
    for line, row in parsed:
        values, problems = _lead_for_row(row, by=by, default_source=default_source, lookups=lookups)
        if problems:
            errors.append(RowError(line, " ".join(problems)))
        else:
            leads_to_create.append(values)
    if errors:
        errors.sort(key=lambda error: error.line)
        raise LeadImportRefused(
            reason=ngettext(
                "%(count)d line of the file is wrong: nothing was imported.",
                "%(count)d lines of the file are wrong: nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
            rows=errors,
        )
    return [lead_create(by=by, **values) for values in leads_to_create]
