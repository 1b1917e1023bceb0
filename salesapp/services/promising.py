"""Order promising at confirmation (DESIGN.md §4.4): the lines promised nothing yet get the first date their
goods are available to promise as their confirmed ship date."""

from __future__ import annotations

from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.selectors.promising import line_promises, promised_lines


def order_ship_dates_default(order: SalesOrder) -> dict[int, object]:
    """Give each line of the just confirmed ``order`` that ships a stocked item from stock and has no confirmed
    ship date the ATP date of its remainder. A line not promisable keeps no date (its order page says how much
    is short). Called with the order locked, by the confirmation and the approval; four queries whatever the
    number of lines. Returns the promises by line id."""
    lines = promised_lines(order)
    if not lines:
        return {}
    promises = line_promises(order, lines)
    dated = []
    for line in lines:
        promise = promises[line.pk]
        if promise.date is not None:
            line.confirmed_ship_date = promise.date
            dated.append(line)
    if dated:
        SalesOrderLine.objects.bulk_update(dated, ["confirmed_ship_date"])
    return promises
