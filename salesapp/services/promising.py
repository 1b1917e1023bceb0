"""Order promising at confirmation (DESIGN.md §4.4): the lines promised nothing yet get the first date their
goods are available to promise as their confirmed ship date."""

from __future__ import annotations

from django.utils import timezone

from core.bulk import column_update
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.selectors.promising import Promise, line_promises, promised_lines


def order_ship_dates_default(order: SalesOrder) -> dict[int, object]:
    """Give each line of the just confirmed ``order`` that ships a stocked item from stock and has no confirmed
    ship date the ATP date of its remainder. A line not promisable keeps no date (its order page says how much
    is short). Called with the order locked, by the confirmation and the approval; four queries whatever the
    number of lines, two when every such line is reserved in full. Returns the promises by line id."""
    lines = promised_lines(order)
    if not lines:
        return {}
    # A line whose remainder is all reserved has its goods on the shelf: it ships on the date asked (today at
    # the earliest) without asking promising, which would count other orders' demand against goods already its.
    today = timezone.localdate()
    promises = {
        line.pk: Promise(
            line.item_id,
            line.deliver_remainder,
            max(today, line.requested_ship_date or order.requested_ship_date or today),
        )
        for line in lines
        if line.qty_reserved >= line.deliver_remainder
    }
    waiting = [line for line in lines if line.pk not in promises]
    if waiting:
        promises.update(line_promises(order, waiting))
    dated = []
    for line in lines:
        promise = promises[line.pk]
        if promise.date is not None:
            line.confirmed_ship_date = promise.date
            dated.append(line)
    if dated:
        column_update(SalesOrderLine, "confirmed_ship_date", {line.pk: line.confirmed_ship_date for line in dated})
    return promises
