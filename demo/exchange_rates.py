"""The demo's exchange rates: the first of each of the last twelve months for the currencies a customer may be
invoiced in, so a document in USD, SEK or GBP posts, and the rates page has a history to read."""

from __future__ import annotations

import datetime
from decimal import Decimal

from invoicing.services.exchange_rates import exchange_rates_import

# Company currency per unit, around where they stood; each month drifts a little so the history is not flat.
_BASE = {"USD": Decimal("0.92"), "SEK": Decimal("0.087"), "GBP": Decimal("1.17")}
_DRIFT = (0, 3, -2, 4, 1, -3, 2, 5, -1, 0, 3, -4)  # per mille, month by month


def demo_exchange_rates_build(*, today: datetime.date, by) -> int:
    first = today.replace(day=1)
    months = []
    for back in range(12):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(datetime.date(year, month + 1, 1))
    rows = ["currency;date;rate"]
    for index, day in enumerate(reversed(months)):
        for currency, base in _BASE.items():
            rate = (base * (1 + Decimal(_DRIFT[index]) / 1000)).quantize(Decimal("0.000001"))
            rows.append(f"{currency};{day.isoformat()};{rate}")
    # Through the import, as a manager would load a bank's file.
    return exchange_rates_import(file="\n".join(rows) + "\n", by=by)
