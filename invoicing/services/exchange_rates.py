"""Keeping exchange rates: a sales manager enters or changes the rate of a currency from a day on, removes one
entered by mistake, or imports a file of them (all rows or none)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext, ngettext

from core.csv_import import ImportRefused, data_rows, header_names, uploaded_csv
from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import decimal_or_none
from invoicing.errors import ErrorCode
from invoicing.models import ExchangeRate
from invoicing.models.exchange_rates import RATE_DIGITS, RATE_PLACES
from salesapp.choices import Currency
from salesapp.selectors.pricing import company_currency

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COLUMNS = ("currency", "date", "rate")
_MAX_RATE = Decimal(10) ** (RATE_DIGITS - RATE_PLACES)


def _refuse_unless_allowed(by: User, perm: str) -> None:
    if not by.has_perm(perm):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow keeping exchange rates."),
        )


def exchange_rate_errors(*, currency, valid_from, rate) -> dict[str, str]:
    """What is wrong with a rate as entered, by field (empty when nothing is)."""
    errors = {}
    if currency not in Currency.values:
        errors["currency"] = gettext("Choose one of the currencies: %(currencies)s.") % {
            "currencies": ", ".join(Currency.values)
        }
    elif currency == company_currency():
        errors["currency"] = gettext("%(currency)s is the company currency: its rate is always 1.") % {
            "currency": currency
        }
    if not isinstance(valid_from, datetime.date):
        errors["valid_from"] = gettext("Enter the first day the rate is valid, like 2030-01-31.")
    elif not date_in_window(valid_from):
        errors["valid_from"] = date_window_message()
    number = decimal_or_none(rate) if not isinstance(rate, Decimal) else rate
    if number is None or not number.is_finite():
        errors["rate"] = gettext("Enter the rate as a number, like 1.0825.")
    elif number <= 0:
        errors["rate"] = gettext("A rate is more than zero.")
    elif number >= _MAX_RATE or -number.as_tuple().exponent > RATE_PLACES:
        errors["rate"] = gettext("Enter a rate below %(max)s with at most %(places)d decimals.") % {
            "max": _MAX_RATE,
            "places": RATE_PLACES,
        }
    return errors


@transaction.atomic
def exchange_rate_set(*, currency: str, valid_from: datetime.date, rate: Decimal, by: User) -> ExchangeRate:
    """The rate of ``currency`` from ``valid_from`` on: entered, or changed when that day has one already.
    Entries posted at the old rate keep it (each journal entry stores the rate it used)."""
    _refuse_unless_allowed(by, "invoicing.add_exchangerate")
    errors = exchange_rate_errors(currency=currency, valid_from=valid_from, rate=rate)
    if errors:
        raise ValidationFailed(code=ErrorCode.EXCHANGE_RATE_INVALID, field_errors=errors)
    found = ExchangeRate.objects.select_for_update().filter(currency=currency, valid_from=valid_from).first()
    if found is None:
        return ExchangeRate.objects.create(currency=currency, valid_from=valid_from, rate=rate, created_by=by)
    found.rate = rate
    found.save(update_fields=["rate", "updated_at"])
    return found


@transaction.atomic
def exchange_rate_delete(*, exchange_rate: ExchangeRate, by: User) -> None:
    """Remove a rate entered by mistake; postings that used it keep the rate they stored."""
    _refuse_unless_allowed(by, "invoicing.delete_exchangerate")
    ExchangeRate.objects.filter(pk=exchange_rate.pk).delete()


class ExchangeRateImportRefused(ImportRefused):
    """A file that was not imported; ``rows`` lists every wrong row as "line N: column: …"."""

    code = ErrorCode.EXCHANGE_RATE_INVALID


def _header(cells: list[str]) -> list[str]:
    names = header_names(cells, COLUMNS, refused=lambda reason: ExchangeRateImportRefused(reason=reason))
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise ExchangeRateImportRefused(
            reason=gettext("The file needs the column %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return names


def _row_rate(row: dict[str, str]) -> tuple[tuple[str, datetime.date | None, Decimal | None], list[str]]:
    currency = row.get("currency", "").strip().upper()
    text = row.get("date", "").strip()
    try:
        valid_from = datetime.date.fromisoformat(text)
    except ValueError:
        valid_from = None
    rate = decimal_or_none(row.get("rate", "").strip().replace(",", "."))
    errors = exchange_rate_errors(currency=currency, valid_from=valid_from, rate=rate)
    names = {"valid_from": "date"}
    return (currency, valid_from, rate), [f"{names.get(field, field)}: {message}" for field, message in errors.items()]


@transaction.atomic
def exchange_rates_import(*, file: bytes | str | IO[bytes], by: User) -> int:
    """Every row's rate set (as ``exchange_rate_set`` does), or none when any row is wrong. Returns the count."""
    _refuse_unless_allowed(by, "invoicing.add_exchangerate")
    upload = uploaded_csv(file, refused=lambda reason: ExchangeRateImportRefused(reason=reason))
    parsed, errors = data_rows(upload, header=_header)
    if not parsed and not errors:
        raise ExchangeRateImportRefused(reason=gettext("The file has a header row but no rates."))
    rates: dict[tuple[str, datetime.date], Decimal] = {}
    first_line: dict[tuple[str, datetime.date], int] = {}
    for number, row in parsed:
        (currency, valid_from, rate), problems = _row_rate(row)
        key = (currency, valid_from)
        if not problems and key in first_line:
            problems = [
                gettext("date: line %(line)d gives %(currency)s a rate for this day already.")
                % {"line": first_line[key], "currency": currency}
            ]
        if problems:
            errors.append((number, " ".join(problems)))
            continue
        rates[key] = rate
        first_line[key] = number
    if errors:
        errors.sort()
        raise ExchangeRateImportRefused(
            reason=ngettext(
                "%(count)d line of the file is wrong: nothing was imported.",
                "%(count)d lines of the file are wrong: nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
            rows=[gettext("line %(line)d: %(reason)s") % {"line": n, "reason": why} for n, why in errors],
        )
    # One statement for the file: new days are added, days that have a rate get the file's.
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(currency=currency, valid_from=valid_from, rate=rate, created_by=by)
            for (currency, valid_from), rate in rates.items()
        ],
        update_conflicts=True,
        unique_fields=["currency", "valid_from"],
        update_fields=["rate", "updated_at"],
    )
    return len(rates)
