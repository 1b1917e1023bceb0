"""Reads for billing runs: the subscriptions due up to a date (what a run bills, and its preview) and the runs
with their progress and results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from core.dates import date_in_window, date_window_message
from core.errors import ValidationFailed
from invoicing.models import BillingRun, BillingRunResult
from salesapp.choices import OrderState, OrderType
from salesapp.models import SalesOrder

# A subscription in these states is listed when due, billable or not (its reason then says why not): a run
# never skips one silently. Canceled ones are gone; an invoiced one has ended.
LISTED_STATES = (OrderState.OPEN, OrderState.PENDING_APPROVAL, OrderState.CONFIRMED, OrderState.DELIVERED)

# The preview page shows this many subscriptions at most (and says how many more are due).
PREVIEW_LIMIT = 200


def subscriptions_due(*, bill_until: datetime.date) -> QuerySet[SalesOrder]:
    """Subscription orders with a period starting on or before ``bill_until`` and not past their end date,
    the longest due first."""
    return (
        SalesOrder.objects.filter(
            order_type=OrderType.SUBSCRIPTION, state__in=LISTED_STATES, next_billing_date__lte=bill_until
        )
        .filter(Q(subscription_end_date__isnull=True) | Q(subscription_end_date__gte=F("next_billing_date")))
        .select_related("customer__party")
        .order_by("next_billing_date", "pk")
    )


@dataclass(frozen=True)
class PeriodPreview:
    order: SalesOrder
    period_start: datetime.date
    period_end: datetime.date
    amount_net: Decimal
    amount_total: Decimal
    # Why the run would not bill it; empty when it would.
    refusal: str = ""


@dataclass(frozen=True)
class BillingPreview:
    bill_until: datetime.date
    periods: list[PeriodPreview]
    # How many subscriptions are due in all (the periods list the first PREVIEW_LIMIT of them).
    due_count: int

    @property
    def billable(self) -> list[PeriodPreview]:
        return [period for period in self.periods if not period.refusal]

    @property
    def refused(self) -> list[PeriodPreview]:
        return [period for period in self.periods if period.refusal]

    @property
    def amount_net(self) -> Decimal:
        return sum((period.amount_net for period in self.billable), Decimal("0.00"))

    @property
    def amount_total(self) -> Decimal:
        return sum((period.amount_total for period in self.billable), Decimal("0.00"))


def order_periods_due(order: SalesOrder, *, bill_until: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The (start, end) of every period of ``order`` a run up to ``bill_until`` would bill, oldest first."""
    periods = []
    start = order.next_billing_date
    while start <= bill_until and (order.subscription_end_date is None or start <= order.subscription_end_date):
        periods.append((start, order.period_end(start)))
        start = order.period_after(start)
    return periods


def billing_preview(*, bill_until: datetime.date, limit: int = PREVIEW_LIMIT) -> BillingPreview:
    """What a run up to ``bill_until`` would bill: each due period with its amounts (the order's, from its
    lines), and the subscriptions it would refuse, with the reason. Two queries, whatever is due. A date outside
    the document date window is refused, naming the field, as starting a run refuses it."""
    if not date_in_window(bill_until):
        raise ValidationFailed(field_errors={"bill_until": date_window_message()})
    due = subscriptions_due(bill_until=bill_until)
    periods: list[PeriodPreview] = []
    for order in due[:limit]:
        refusal = order.billing_refusal(bill_until=bill_until) or ""
        due_periods = order_periods_due(order, bill_until=bill_until)
        # A refused subscription stops at its first period: the run bills none of them.
        for start, end in due_periods[:1] if refusal else due_periods:
            periods.append(
                PeriodPreview(
                    order=order,
                    period_start=start,
                    period_end=end,
                    amount_net=order.amount_net,
                    amount_total=order.amount_total,
                    refusal=refusal,
                )
            )
    return BillingPreview(bill_until=bill_until, periods=periods, due_count=due.count())


def billing_run_list() -> QuerySet[BillingRun]:
    return BillingRun.objects.select_related("started_by").order_by("-started_at", "-pk")


def billing_run_results(run: BillingRun) -> QuerySet[BillingRunResult]:
    return (
        BillingRunResult.objects.filter(run=run)
        .select_related("order__customer__party", "customer__party", "invoice")
        .order_by("pk")
    )
