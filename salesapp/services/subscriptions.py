"""A subscription order's side of billing a period (DESIGN.md §4.2): the period row that makes a period
billable once, and, after its invoice is posted, the period's quantities kept, the ledger reset and the order
renewed for the next period. The invoice itself is invoicing's (invoicing.services.subscriptions), which calls
these in its transaction, holding the order locked."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from core.bulk import rows_insert
from core.db import constraint_name
from core.errors import TransitionRefused
from core.money import ZERO
from core.transitions import transition_run, transition_save
from salesapp.errors import ErrorCode
from salesapp.lock_objects import is_locked_with_lines
from salesapp.models import SalesOrder, SalesOrderLine, SubscriptionPeriod, SubscriptionPeriodLine
from salesapp.services.reservations import order_reservations_take

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERIOD_ONCE = "subscription_period_once"
# Every column of the line ledger starts the next period from zero: one left over (goods returned, a quantity
# credited) would be billed again each period, or break the ledger's rules against the reset delivered quantity.
LEDGER = ("qty_delivered", "qty_returned", "qty_invoiced", "qty_credited", "qty_closed_short")


def subscription_billing_check(order: SalesOrder, *, bill_until: datetime.date) -> None:
    """Refuse, with its reason, billing the next period of the locked ``order`` in a run up to ``bill_until``."""
    reason = order.billing_refusal(bill_until=bill_until)
    if reason:
        # Not due, or ended: nothing is owed now (a catch-up stops there); anything else is a refusal to report.
        due = order.billing_due(bill_until=bill_until) and not order.subscription_ended()
        code = ErrorCode.SUBSCRIPTION_NOT_BILLABLE if due else ErrorCode.SUBSCRIPTION_NOT_DUE
        raise TransitionRefused(code=code, reason=reason)


def subscription_period_open(*, order: SalesOrder, bill_until: datetime.date, by: User) -> SubscriptionPeriod:
    """The row of the period starting on the locked ``order``'s next billing date, for a service that then
    invoices it in the same transaction. A period already billed (a run that read the order before another one
    advanced it) meets the unique constraint and is refused."""
    if not is_locked_with_lines(order):
        raise RuntimeError("subscription_period_open needs the order and its lines locked by the caller.")
    subscription_billing_check(order, bill_until=bill_until)
    start = order.next_billing_date
    period = SubscriptionPeriod(order=order, period_start=start, period_end=order.period_end(start), billed_by=by)
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as error:
        if constraint_name(error) != PERIOD_ONCE:
            raise
        raise TransitionRefused(
            code=ErrorCode.SUBSCRIPTION_ALREADY_BILLED,
            reason=gettext("The period of subscription %(number)s from %(date)s is billed already.")
            % {"number": order.number, "date": start.isoformat()},
        ) from None
    return period


def subscription_period_close(
    *, order: SalesOrder, period: SubscriptionPeriod, invoice_number: str, by: User
) -> SalesOrder:
    """After the period's invoice ``invoice_number`` is posted (the order invoiced): keep each line's delivered
    and invoiced quantities in the period, reset the ledger, move the next billing date one period on and renew
    the order (invoiced → confirmed), unless that date is past the end date: then the subscription has ended.
    The caller holds the order and its lines locked (``lock_order_lines``) with the quantities posting booked."""
    if not is_locked_with_lines(order):
        raise RuntimeError("subscription_period_close needs the order and its lines locked by the caller.")
    period.invoice_number = invoice_number
    period.save(update_fields=["invoice_number"])
    lines = list(order.lines.all())
    rows_insert(
        [
            SubscriptionPeriodLine(
                period=period, order_line=line, qty_delivered=line.qty_delivered, qty_invoiced=line.qty_invoiced
            )
            for line in lines
            if line.qty_delivered or line.qty_invoiced
        ]
    )
    SalesOrderLine.objects.filter(order=order).update(**dict.fromkeys(LEDGER, ZERO))
    for line in lines:
        for name in LEDGER:
            setattr(line, name, ZERO)
    order.next_billing_date = order.period_after(period.period_start)
    order.save(update_fields=["next_billing_date", "updated_at"])
    if not order.subscription_ended():
        transition_run(order.renew, by=by)
        transition_save(order)
        # The next period's goods wait in line for stock like any confirmed order's.
        order_reservations_take(order)
    return order
