"""Summary invoices (DESIGN.md §5): one draft invoice for posted packing slips of several orders of one
customer, in one currency. A billing run of kind "packing_slips" makes them (invoicing.services.summary_runs);
``invoice_post`` posts them like any invoice, booking each order's quantities (invoicing.services.summary_posting).

A slip line is never invoiced twice: a draft's lines claim their slip lines (a partial unique index, so two runs
drafting at the same moment cannot both take one), and posting books the quantity on the slip line, whose check
constraint refuses more than was delivered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from core.bulk import rows_insert
from core.db import constraint_name
from core.errors import TransitionRefused, ValidationFailed
from core.transitions import first_refusal
from invoicing.choices import InvoiceBasis, InvoiceKind
from invoicing.errors import ErrorCode
from invoicing.models import Invoice, InvoiceLine
from invoicing.models.invoices import SLIP_LINE_CLAIMED
from invoicing.selectors.summary_runs import SUMMARY_ORDER_TYPES
from invoicing.services.invoices import _invoice_line, _revenue_accounts, _taxes_insert, _totals, _totals_set
from salesapp.choices import PackingSlipState
from salesapp.lock_objects import lock_orders_with_lines
from salesapp.models import Customer, PackingSlipLine, SalesOrder
from salesapp.models.customers import customer_blocked_refusal

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def summary_invoice_create(
    *,
    customer: Customer,
    currency: str,
    slip_line_ids: list[int],
    by: User,
    revenue_accounts: dict[str, int] | None = None,
) -> Invoice:
    """A draft summary invoice billing what the given packing slip lines delivered and no invoice billed yet.

    Refused, with the reason, when a slip line is on another draft (the database decides: two runs at the same
    time cannot both draft it), when the customer is blocked, an order may not be invoiced (held, …), or a line
    is not a posted delivery of this customer in this currency. ``revenue_accounts``: the revenue accounts by
    item type, when a run read them once for all its invoices."""
    try:
        return _summary_invoice_create(
            customer=customer,
            currency=currency,
            slip_line_ids=slip_line_ids,
            by=by,
            accounts=revenue_accounts or _revenue_accounts(),
        )
    except IntegrityError as error:
        if constraint_name(error) != SLIP_LINE_CLAIMED:
            raise
        raise TransitionRefused(
            code=ErrorCode.SLIP_LINE_ON_DRAFT,
            reason=gettext(
                "A packing slip line was put on another draft invoice at the same time: it is invoiced there."
            ),
        ) from None


def _refuse(reason: str, code=ErrorCode.ORDER_NOT_INVOICEABLE):
    raise TransitionRefused(code=code, reason=reason)


@transaction.atomic
def _summary_invoice_create(
    *, customer: Customer, currency: str, slip_line_ids: list[int], by: User, accounts: dict[str, int]
) -> Invoice:
    if not slip_line_ids:
        raise ValidationFailed(field_errors={"slip_lines": gettext("Choose at least one packing slip line.")})
    order_ids = PackingSlipLine.objects.filter(pk__in=slip_line_ids).values_list("order_line__order_id", flat=True)
    orders = lock_orders_with_lines(list(order_ids), with_customer=True)
    slip_lines = list(
        PackingSlipLine.objects.filter(pk__in=slip_line_ids)
        .select_related("packing_slip")
        .order_by("packing_slip__ship_date", "packing_slip_id", "pk")
    )
    if len(slip_lines) != len(set(slip_line_ids)):
        raise ValidationFailed(field_errors={"slip_lines": gettext("A packing slip line does not exist.")})
    # The customer as its orders' lock read it, not as the caller saw it: blocked since is blocked.
    customer = next((order.customer for order in orders.values() if order.customer_id == customer.pk), customer)
    blocked = customer_blocked_refusal(customer)
    if blocked:
        _refuse(blocked)
    invoice = Invoice(
        customer=customer,
        basis=InvoiceBasis.SUMMARY,
        kind=InvoiceKind.INVOICE,
        currency=currency,
        created_by=by,
    )
    checked: set[int] = set()
    new_lines: list[InvoiceLine] = []
    for slip_line in slip_lines:
        slip = slip_line.packing_slip
        order: SalesOrder = orders[slip.order_id]
        if order.pk not in checked:
            _order_check(order, customer=customer, currency=currency)
            checked.add(order.pk)
        if slip.state != PackingSlipState.POSTED:
            _refuse(gettext("Packing slip %(slip)s is not posted.") % {"slip": slip.number or slip.pk})
        order_line = next(line for line in order.lines.all() if line.pk == slip_line.order_line_id)
        # Only what this delivery left to invoice; one invoiced meanwhile (by its order's own invoice) is skipped.
        quantity = min(slip_line.invoice_remainder, order_line.invoice_remainder)
        if quantity > 0:
            line = _invoice_line(invoice, order_line, quantity, len(new_lines) * 10 + 10, accounts, slip_line)
            line.draft_claim = True
            new_lines.append(line)
    if not new_lines:
        _refuse(
            gettext("Nothing to invoice: the chosen packing slips are invoiced already."), ErrorCode.NOTHING_TO_INVOICE
        )
    totals = _totals(new_lines)
    _totals_set(invoice, totals)
    rows_insert([invoice])
    for line in new_lines:
        line.invoice = invoice
    rows_insert(new_lines)
    _taxes_insert(invoice, totals)
    return invoice


def _order_check(order: SalesOrder, *, customer: Customer, currency: str) -> None:
    if order.customer_id != customer.pk:
        raise ValidationFailed(
            field_errors={
                "slip_lines": gettext("Order %(number)s is not an order of customer %(customer)s.")
                % {"number": order.number, "customer": customer.number}
            }
        )
    if order.currency != currency:
        raise ValidationFailed(
            field_errors={
                "currency": gettext("Order %(number)s is in %(currency)s, not %(wanted)s.")
                % {"number": order.number, "currency": order.currency, "wanted": currency}
            }
        )
    if order.order_type not in SUMMARY_ORDER_TYPES:
        _refuse(
            gettext("Order %(number)s is a %(type)s: it is not invoiced on a summary invoice.")
            % {"number": order.number, "type": order.get_order_type_display()}
        )
    reason = first_refusal(SalesOrder.INVOICE_RULES, order)
    if reason:
        _refuse(reason)
