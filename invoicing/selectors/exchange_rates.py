"""Reading exchange rates: the list managers keep, and the rate a posting uses."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from core.errors import DomainError
from core.listing import order_by_sort
from invoicing.errors import ErrorCode
from invoicing.models import ExchangeRate
from salesapp.selectors.pricing import company_currency

ONE = Decimal(1)
EXCHANGE_RATE_SORTS = {"currency": ["currency"], "valid_from": ["valid_from"], "rate": ["rate"]}


def exchange_rate_list(*, currency: str = "", ordering: str = "") -> QuerySet[ExchangeRate]:
    rates = ExchangeRate.objects.all()
    if currency:
        rates = rates.filter(currency=currency)
    return order_by_sort(rates, ordering, sorts=EXCHANGE_RATE_SORTS, default=["currency", "-valid_from", "-id"])


def rate_on(currency: str, date: datetime.date) -> Decimal:
    """The company-currency value of one unit of ``currency`` on ``date``: the rate valid from the latest day on
    or before it. One for the company currency (no query). A missing rate is refused, naming what to enter:
    posting at a guessed rate would put a wrong amount in the ledger for good."""
    if currency == company_currency():
        return ONE
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=date)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise DomainError(
            code=ErrorCode.EXCHANGE_RATE_MISSING,
            reason=gettext(
                "No exchange rate for %(currency)s on or before %(date)s: a sales manager enters it under "
                "Exchange rates."
            )
            % {"currency": currency, "date": date.isoformat()},
        )
    return rate
