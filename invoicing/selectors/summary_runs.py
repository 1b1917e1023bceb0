"""What a packing-slip billing run would invoice (DESIGN.md §5, summary invoicing): the posted packing slips of
the chosen customers in a date range, grouped into invoices, and each slip left out with the reason. Reads only;
the run's job (invoicing.services.summary_runs) drafts the invoices from the same groups."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from core.dates import date_in_window, date_window_message
from core.errors import ValidationFailed
from core.money import ZERO, DocumentTotals, TaxableLine, document_totals, line_net
from core.transitions import first_refusal
from invoicing.choices import InvoiceBasis, SummaryGrouping
from invoicing.errors import ErrorCode
from invoicing.models import InvoiceLine
from salesapp.choices import OrderType, PackingSlipState
from salesapp.models import Customer, PackingSlip, PackingSlipLine, SalesOrder
from salesapp.models.customers import customer_blocked_refusal
from salesapp.order_types import policy_for

# The orders a summary invoice bills: delivered and invoiced ones. A returned order's receipts are credited, a
# subscription is billed period by period (invoicing.services.subscriptions): neither is summed up here.
SUMMARY_ORDER_TYPES = tuple(
    order_type
    for order_type in OrderType
    if policy_for(order_type).deliverable
    and policy_for(order_type).invoiceable
    and not policy_for(order_type).invoice_makes_credit_note
    and not policy_for(order_type).reopens_after_invoice
)

# The preview page lists this many invoices at most (and says how many more the run would make).
PREVIEW_LIMIT = 200


@dataclass(frozen=True)
class SummaryRunInputs:
    """A run's choices, checked (``summary_run_inputs``)."""

    customer_ids: tuple[int, ...] | None  # None: every customer
    slips_from: datetime.date | None
    slips_to: datetime.date
    grouping: str


def summary_run_inputs(
    *,
    customer_ids: Iterable[int] | None,
    slips_from: datetime.date | None,
    slips_to: datetime.date | None,
    grouping: str,
) -> SummaryRunInputs:
    """The choices of a run or a preview, or a refusal naming the field: dates in the window and in order, a
    grouping this company can apply. ``slips_to`` defaults to today."""
    slips_to = slips_to or timezone.localdate()
    errors = {}
    if grouping not in SummaryGrouping.values:
        errors["grouping"] = gettext("Choose one of %(choices)s, not '%(grouping)s'.") % {
            "choices": ", ".join(SummaryGrouping.values),
            "grouping": grouping,
        }
    elif grouping == SummaryGrouping.INVOICE_TO:
        # Customers carry no invoice-to party in this company: every customer is invoiced on its own account.
        errors["grouping"] = gettext(
            "Customers have no invoice-to party here, so invoices cannot be grouped by one: group per customer."
        )
    if not date_in_window(slips_to):
        errors["slips_to"] = date_window_message()
    if slips_from is not None and not date_in_window(slips_from):
        errors["slips_from"] = date_window_message()
    elif slips_from is not None and slips_from > slips_to:
        errors["slips_from"] = gettext("The first slip date is after the last (%(to)s).") % {"to": slips_to.isoformat()}
    if errors:
        raise ValidationFailed(code=ErrorCode.BILLING_RUN_INVALID, field_errors=errors)
    ids = None if customer_ids is None else tuple(sorted({int(pk) for pk in customer_ids}))
    return SummaryRunInputs(customer_ids=ids, slips_from=slips_from, slips_to=slips_to, grouping=grouping)


def invoice_monthly_customers() -> QuerySet[Customer]:
    """The customers a new run picks by default: those invoiced once a month."""
    return Customer.objects.filter(invoice_monthly=True).select_related("party").order_by("number")


@dataclass
class SummaryLine:
    slip_line: PackingSlipLine
    quantity: Decimal
    net_amount: Decimal

    @property
    def order_line(self):
        return self.slip_line.order_line


@dataclass
class SummaryGroup:
    """One invoice the run would make."""

    key: str
    customer: Customer
    currency: str
    lines: list[SummaryLine] = field(default_factory=list)

    @property
    def totals(self) -> DocumentTotals:
        return document_totals(
            TaxableLine(
                net=line.net_amount, tax_code_id=line.order_line.tax_code_id, tax_rate=line.order_line.tax_code.rate
            )
            for line in self.lines
        )

    @property
    def amount_net(self) -> Decimal:
        return self.totals.net

    @property
    def amount_total(self) -> Decimal:
        return self.totals.gross

    @property
    def slips(self) -> list[PackingSlip]:
        return list({line.slip_line.packing_slip_id: line.slip_line.packing_slip for line in self.lines}.values())

    @property
    def orders(self) -> list[SalesOrder]:
        return list({line.order_line.order_id: line.order_line.order for line in self.lines}.values())

    @property
    def slip_line_ids(self) -> list[int]:
        return [line.slip_line.pk for line in self.lines]


@dataclass(frozen=True)
class LeftOutSlip:
    slip: PackingSlip
    reason: str

    @property
    def order(self) -> SalesOrder:
        return self.slip.order


@dataclass
class SummaryPreview:
    inputs: SummaryRunInputs
    groups: list[SummaryGroup]
    left_out: list[LeftOutSlip]

    @property
    def amount_total(self) -> Decimal:
        return sum((group.amount_total for group in self.groups), ZERO)

    @property
    def slip_count(self) -> int:
        return sum(len(group.slips) for group in self.groups)


def summary_slip_lines(inputs: SummaryRunInputs) -> QuerySet[PackingSlipLine]:
    """The lines of the posted packing slips a run looks at, with what each needs (slip, order, customer, item,
    tax code, and the draft invoice claiming it, if any) in the same statement."""
    lines = PackingSlipLine.objects.filter(
        packing_slip__state=PackingSlipState.POSTED,
        packing_slip__ship_date__lte=inputs.slips_to,
        packing_slip__order__order_type__in=SUMMARY_ORDER_TYPES,
    )
    if inputs.slips_from is not None:
        lines = lines.filter(packing_slip__ship_date__gte=inputs.slips_from)
    if inputs.customer_ids is not None:
        lines = lines.filter(packing_slip__order__customer_id__in=inputs.customer_ids)
    claims = InvoiceLine.objects.filter(packing_slip_line=OuterRef("pk"), draft_claim=True).values("invoice_id")
    return (
        lines.annotate(draft_invoice_id=Subquery(claims[:1]))
        .select_related(
            "packing_slip__order__customer__party", "order_line__item", "order_line__tax_code", "order_line__order"
        )
        .order_by(
            "packing_slip__order__customer_id", "packing_slip__ship_date", "packing_slip_id", "order_line__line_no"
        )
    )


def _group_key(grouping: str, order: SalesOrder, customer: Customer) -> tuple[str, str]:
    """The group an order's slips fall into, and the currency of its invoice."""
    if grouping == SummaryGrouping.CUSTOMER_ORDER:
        return f"{customer.pk}:order:{order.pk}", order.currency
    if grouping == SummaryGrouping.CUSTOMER_CURRENCY:
        return f"{customer.pk}:{order.currency}", order.currency
    return f"{customer.pk}", customer.currency


def _slip_refusal(slip: PackingSlip, lines: list[PackingSlipLine], grouping: str) -> str | None:
    """Why none of the slip's lines goes on an invoice of this run, or None when some do."""
    order, customer = slip.order, slip.order.customer
    if all(line.invoice_remainder <= 0 for line in lines):
        return gettext("Nothing to invoice: everything on %(slip)s is invoiced.") % {"slip": slip.number}
    if all(line.invoice_remainder <= 0 or line.draft_invoice_id for line in lines):
        claimed = next(line.draft_invoice_id for line in lines if line.draft_invoice_id)
        return gettext("Nothing to invoice: %(slip)s is on draft invoice #%(draft)s already.") % {
            "slip": slip.number,
            "draft": claimed,
        }
    blocked = customer_blocked_refusal(customer)
    if blocked:
        return blocked
    refusal = first_refusal(SalesOrder.INVOICE_RULES, order)
    if refusal:
        return refusal
    if grouping == SummaryGrouping.CUSTOMER and order.currency != customer.currency:
        return gettext(
            "Order %(number)s is in %(currency)s but the customer is invoiced in %(customer_currency)s: group per "
            "customer and currency."
        ) % {"number": order.number, "currency": order.currency, "customer_currency": customer.currency}
    return None


def summary_preview(*, inputs: SummaryRunInputs) -> SummaryPreview:
    """The invoices a run with ``inputs`` would make (lines, totals, the slips and orders they cover) and every
    slip it would leave out, with the reason. One statement, whatever the number of slips."""
    by_slip: dict[int, list[PackingSlipLine]] = {}
    for line in summary_slip_lines(inputs):
        # The slip's order is the order line's order: one object for both paths, so the rules read one row.
        line.order_line.order = line.packing_slip.order
        by_slip.setdefault(line.packing_slip_id, []).append(line)
    groups: dict[str, SummaryGroup] = {}
    left_out: list[LeftOutSlip] = []
    for lines in by_slip.values():
        slip = lines[0].packing_slip
        reason = _slip_refusal(slip, lines, inputs.grouping)
        if reason:
            left_out.append(LeftOutSlip(slip=slip, reason=reason))
            continue
        customer = slip.order.customer
        key, currency = _group_key(inputs.grouping, slip.order, customer)
        group = groups.get(key) or groups.setdefault(key, SummaryGroup(key=key, customer=customer, currency=currency))
        for line in lines:
            if line.invoice_remainder > 0 and not line.draft_invoice_id:
                order_line = line.order_line
                quantity = line.invoice_remainder
                net = line_net(
                    quantity=quantity, unit_price=order_line.unit_price, discount_percent=order_line.discount_percent
                )
                group.lines.append(SummaryLine(slip_line=line, quantity=quantity, net_amount=net))
    return SummaryPreview(inputs=inputs, groups=list(groups.values()), left_out=left_out)


@dataclass(frozen=True)
class CoveredOrder:
    order: SalesOrder
    slips: list[PackingSlip]


def summary_invoice_covers(invoice) -> list[CoveredOrder]:
    """The orders a summary invoice bills, each with its packing slips on the invoice (its page and PDF list
    them); empty for any other invoice. One statement."""
    if invoice.basis != InvoiceBasis.SUMMARY:
        return []
    slips = (
        PackingSlip.objects.filter(lines__invoice_lines__invoice=invoice)
        .select_related("order")
        .distinct()
        .order_by("order__number", "ship_date", "pk")
    )
    covered: dict[int, CoveredOrder] = {}
    for slip in slips:
        covered.setdefault(slip.order_id, CoveredOrder(order=slip.order, slips=[])).slips.append(slip)
    return list(covered.values())
