"""A customer's credit exposure and whether an order needs a sales manager's approval (DESIGN.md §4.2).

One currency assumption: every amount is taken as company currency. No exchange rates exist yet, so an order
or invoice in another currency counts at face value; when rates arrive, the conversion belongs here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from core import extensions
from core.money import HUNDRED, ZERO, round_money
from salesapp.choices import OrderState
from salesapp.models import Customer, SalesOrder, SalesOrderLine
from salesapp.order_types import POLICIES

# Orders the customer has been promised and not yet billed for: they count against the credit limit.
COMMITTED_STATES = (OrderState.PENDING_APPROVAL, OrderState.CONFIRMED, OrderState.DELIVERED)
# The order types the customer will be billed for (a return is credited, an item requirement billed elsewhere).
EXPOSURE_TYPES = [policy.order_type.value for policy in POLICIES.values() if policy.adds_exposure]


@dataclass(frozen=True)
class Exposure:
    credit_limit: Decimal  # 0: no limit is checked (reference rule)
    receivables: Decimal  # posted invoices' open amounts
    overdue: Decimal  # the part of the receivables past its due date
    uninvoiced_orders: Decimal  # the not-yet-invoiced part of committed orders, the order at hand left out
    order: Decimal  # the order at hand

    @property
    def total(self) -> Decimal:
        return self.receivables + self.uninvoiced_orders + self.order

    @property
    def over_limit(self) -> bool:
        return self.credit_limit > 0 and self.total > self.credit_limit


def _uninvoiced_by_customer(
    customer_ids: list[int], *, exclude_order_id: int | None, released_only: bool = False
) -> dict[int, Decimal]:
    """Per customer, the gross amount of committed order lines still to invoice: each line's total (net plus
    its tax) times the share of its quantity not yet invoiced nor closed short (the line ledger, §4.3)."""
    amount = DecimalField(max_digits=30, decimal_places=10)
    to_invoice = F("quantity") - F("qty_closed_short") - F("qty_invoiced") + F("qty_credited")
    gross_share = ExpressionWrapper(
        F("net_amount") * to_invoice / F("quantity") * (HUNDRED + Coalesce(F("tax_code__rate"), Value(ZERO))) / HUNDRED,
        output_field=amount,
    )
    lines = SalesOrderLine.objects.filter(
        order__customer_id__in=customer_ids,
        order__state__in=COMMITTED_STATES,
        order__order_type__in=EXPOSURE_TYPES,
        quantity__gt=0,
    )
    if exclude_order_id is not None:
        lines = lines.exclude(order_id=exclude_order_id)
    if released_only:
        lines = lines.filter(order__on_hold=False)
    rows = lines.values("order__customer_id").annotate(total=Sum(gross_share)).order_by()
    return {row["order__customer_id"]: round_money(row["total"] or ZERO) for row in rows}


def customers_exposure(customers: list[Customer]) -> dict[int, Exposure]:
    """Each customer's exposure with all its committed orders counted (the approvals queue), in two queries
    whatever the number of customers."""
    ids = [customer.pk for customer in customers]
    receivables = extensions.customer_receivables(ids)
    uninvoiced = _uninvoiced_by_customer(ids, exclude_order_id=None)
    return {
        customer.pk: Exposure(
            credit_limit=customer.credit_limit,
            receivables=receivables[customer.pk].open,
            overdue=receivables[customer.pk].overdue,
            uninvoiced_orders=uninvoiced.get(customer.pk, ZERO),
            order=ZERO,
        )
        for customer in customers
    }


def customer_exposure(customer: Customer, order: SalesOrder | None = None) -> Exposure:
    """Open receivables + committed orders not yet invoiced + the order at hand (its total), against the
    customer's credit limit, in two queries."""
    receivables = extensions.customer_receivables([customer.pk])[customer.pk]
    uninvoiced = _uninvoiced_by_customer([customer.pk], exclude_order_id=order.pk if order is not None else None)
    return Exposure(
        credit_limit=customer.credit_limit,
        receivables=receivables.open,
        overdue=receivables.overdue,
        uninvoiced_orders=uninvoiced.get(customer.pk, ZERO),
        order=order.amount_total if order is not None else ZERO,
    )


def customer_released_uninvoiced(customer: Customer) -> Decimal:
    """What the customer's committed orders not on hold still have to invoice: money it paid in advance that
    they will need (releasing orders held for prepayment, in invoicing)."""
    return _uninvoiced_by_customer([customer.pk], exclude_order_id=None, released_only=True).get(customer.pk, ZERO)


def company_approval_threshold() -> Decimal | None:
    """SALESFLOW_ORDER_APPROVAL_THRESHOLD as an amount, or None when empty (no threshold)."""
    raw = str(getattr(settings, "SALESFLOW_ORDER_APPROVAL_THRESHOLD", "") or "").strip()
    if not raw:
        return None
    try:
        threshold = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(
            f"SALESFLOW_ORDER_APPROVAL_THRESHOLD must be an amount or empty, not {raw!r}."
        ) from None
    if threshold < 0 or not threshold.is_finite():
        raise ImproperlyConfigured(f"SALESFLOW_ORDER_APPROVAL_THRESHOLD cannot be {raw!r}.")
    return threshold


def approval_threshold_for(customer: Customer) -> Decimal | None:
    """The customer's own approval threshold, else the company's; None: no threshold."""
    if customer.approval_threshold is not None:
        return customer.approval_threshold
    return company_approval_threshold()


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def order_approval_reason(order: SalesOrder, exposure: Exposure) -> str | None:
    """Why confirming ``order`` needs a sales manager's approval, with the figures; None when it does not."""
    reasons = []
    currency = order.currency
    if exposure.over_limit:
        reasons.append(
            gettext(
                "Credit limit exceeded: exposure %(currency)s %(exposure)s (open receivables %(receivables)s, "
                "orders not yet invoiced %(orders)s, this order %(order)s) is above the limit of "
                "%(currency)s %(limit)s."
            )
            % {
                "currency": currency,
                "exposure": _amount(exposure.total),
                "receivables": _amount(exposure.receivables),
                "orders": _amount(exposure.uninvoiced_orders),
                "order": _amount(exposure.order),
                "limit": _amount(exposure.credit_limit),
            }
        )
    threshold = approval_threshold_for(order.customer)
    if threshold is not None and order.amount_total > threshold:
        reasons.append(
            gettext(
                "The order total %(currency)s %(total)s is above the approval threshold of %(currency)s %(threshold)s."
            )
            % {"currency": currency, "total": _amount(order.amount_total), "threshold": _amount(threshold)}
        )
    return " ".join(reasons) or None
