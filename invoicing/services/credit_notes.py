"""Credit notes that name the invoice they credit, and canceling or correcting an unpaid posted invoice
(DESIGN.md §5).

- ``credit_note_create``: a value-only credit note (price correction, goodwill) for amounts of a posted
  invoice's lines; order quantities stay as they are. Posted by ``invoice_post`` like any credit note.
- ``invoice_cancel``: a full credit note of kind "cancellation", posted today, and the invoice canceled; the
  order lines and packing slip lines the invoice billed get their invoiced quantities back.
- ``invoice_correct``: cancel, plus a new draft copy of the invoice to edit, which names the one it corrects.

No credit note credits more than remains uncredited on a line (net amount less what draft and posted credit
notes credit already), checked with the invoice locked. A canceled invoice and the credit note that canceled it
offset each other in full: neither is open on the customer's account.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_fsm import has_transition_perm

from core.bulk import rows_insert
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import ZERO, line_net
from core.transitions import transition_refusal, transition_run, transition_save
from invoicing.choices import CreditKind, InvoiceBasis, InvoiceKind, InvoiceState
from invoicing.errors import ErrorCode
from invoicing.lock_objects import lock_invoice
from invoicing.models import Invoice, InvoiceLine
from invoicing.selectors.credit_notes import invoice_lines_to_credit
from invoicing.services.invoices import _taxes_insert, _totals, _totals_set, invoice_post
from salesapp.lock_objects import lock_order, lock_order_lines, lock_posted_slip_lines
from salesapp.models import SalesOrderLine
from salesapp.services.orders import InvoicedQuantity, order_invoiced_unbook

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What one line of a value-only credit note credits: a net amount, or a quantity at a unit price.
CreditInput = Decimal | tuple[Decimal, Decimal]


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _refuse_unless_creditable(invoice: Invoice) -> None:
    if invoice.is_credit_note:
        reason = gettext("%(invoice)s is a credit note: credit notes are made for invoices.")
    elif invoice.state == InvoiceState.DRAFT:
        reason = gettext("%(invoice)s is a draft: change or delete it instead of crediting it.")
    elif invoice.state == InvoiceState.CANCELED:
        reason = gettext("Invoice %(invoice)s is canceled: nothing is left to credit.")
    else:
        return
    raise TransitionRefused(code=ErrorCode.INVOICE_NOT_CREDITABLE, reason=reason % {"invoice": invoice})


def _credit_line(note: Invoice, source: InvoiceLine, line_no: int, quantity, unit_price, discount, net) -> InvoiceLine:
    """A credit note line for ``source``: negative quantity and amount, the source's tax code and revenue
    account, so the credit note's journal entry reverses exactly what the invoice booked."""
    return InvoiceLine(
        invoice=note,
        line_no=line_no,
        line_type=source.line_type,
        item_id=source.item_id,
        description=source.description,
        quantity=-quantity,
        unit=source.unit,
        unit_price=unit_price,
        price_source=source.price_source,
        discount_percent=discount,
        tax_code=source.tax_code,
        revenue_account_id=source.revenue_account_id,
        credited_line=source,
        net_amount=-net,
    )


def _note_insert(note: Invoice, lines: list[InvoiceLine]) -> Invoice:
    totals = _totals(lines)
    _totals_set(note, totals)
    rows_insert([note])
    for line in lines:
        line.invoice = note
    rows_insert(lines)
    _taxes_insert(note, totals)
    return note


def _credit_note(invoice: Invoice, *, credit_kind: str, reason: str, by: User) -> Invoice:
    # A credit note made here books no order quantities (a cancellation gives them back itself): it names no
    # order, so posting it neither delivers nor invoices anything and it never counts as an order's draft.
    return Invoice(
        customer_id=invoice.customer_id,
        customer=invoice.customer,
        basis=InvoiceBasis.DIRECT,
        kind=InvoiceKind.CREDIT_NOTE,
        credit_kind=credit_kind,
        credited_invoice=invoice,
        credit_reason=reason,
        currency=invoice.currency,
        created_by=by,
    )


@transaction.atomic
def credit_note_create(*, invoice: Invoice, lines: Mapping[int, CreditInput], reason: str, by: User) -> Invoice:
    """A draft value-only credit note for a posted invoice: per invoice line id, a net amount to credit or a
    (quantity, unit price) pair credited at that price without discount. Errors are keyed
    ``lines[<invoice line id>]``; one that would credit more than remains on a line names what remains."""
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_creditable(invoice)
    if not by.has_perm("invoicing.add_invoice"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to make credit notes.")
        )
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = gettext("Say why the invoice is credited (price correction, goodwill …).")
    sources = {line.pk: line for line in invoice_lines_to_credit(invoice)}
    wanted = []
    exceeded = False
    for line_id, value in lines.items():
        key = f"lines[{line_id}]"
        source = sources.get(_int(line_id))
        if source is None:
            errors[key] = gettext("Line %(line)s is not a line of invoice %(invoice)s.") % {
                "line": line_id,
                "invoice": invoice,
            }
            continue
        if isinstance(value, tuple | list):
            quantity, unit_price = (_decimal(part) for part in value)
            if quantity is None or quantity <= 0:
                errors[f"{key}.quantity"] = gettext("Enter a quantity above zero.")
                continue
            if unit_price is None or unit_price <= 0:
                errors[f"{key}.unit_price"] = gettext("Enter a unit price above zero.")
                continue
            net, discount, field = line_net(quantity=quantity, unit_price=unit_price, discount_percent=ZERO), ZERO, key
        else:
            amount = _decimal(value)
            if amount is None or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                errors[f"{key}.amount"] = gettext("Enter an amount of zero or more, in cents at most.")
                continue
            if amount == 0:
                continue  # a line the form left at zero
            # An amount is credited as one unit of it, so the line reads "1 × amount".
            quantity, unit_price, net, discount, field = Decimal(1), amount, amount, ZERO, f"{key}.amount"
        if net > source.remaining:
            exceeded = True
            errors[field] = gettext(
                "Line %(line_no)s (%(description)s): %(amount)s to credit, but only %(remaining)s remains uncredited."
            ) % {
                "line_no": source.line_no,
                "description": source.item.number if source.item_id else source.description,
                "amount": _money(net),
                "remaining": _money(source.remaining),
            }
            continue
        wanted.append((source, quantity, unit_price, discount, net))
    if not wanted and not errors:
        errors["lines"] = gettext("Enter an amount to credit on at least one line.")
    if errors:
        raise ValidationFailed(
            code=ErrorCode.CREDIT_EXCEEDS_REMAINDER if exceeded else CoreErrorCode.INVALID, field_errors=errors
        )
    note = _credit_note(invoice, credit_kind=CreditKind.VALUE_ONLY, reason=reason, by=by)
    credit_lines = [
        _credit_line(note, source, (index + 1) * 10, quantity, unit_price, discount, net)
        for index, (source, quantity, unit_price, discount, net) in enumerate(wanted)
    ]
    return _note_insert(note, credit_lines)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _lock_for_cancel(invoice: Invoice, by: User) -> tuple[Invoice, list, list[InvoiceLine]]:
    """Lock the orders the invoice's lines billed (in id order, each with its lines and posted slip lines),
    then the invoice, and refuse what may not be canceled. A summary invoice covers several orders."""
    order_ids = sorted(
        set(
            SalesOrderLine.objects.filter(invoice_lines__invoice_id=invoice.pk)
            .values_list("order_id", flat=True)
            .distinct()
        )
    )
    orders = []
    for order_id in order_ids:
        order = lock_order(order_id, with_customer=False)
        lock_order_lines(order, related=())
        orders.append((order, lock_posted_slip_lines(order)))
    invoice = lock_invoice(invoice.pk)
    reason = transition_refusal(invoice, "cancel")
    if reason:
        raise TransitionRefused(code=ErrorCode.INVOICE_NOT_CANCELABLE, reason=reason)
    if not has_transition_perm(invoice.cancel, by):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to cancel invoices.")
        )
    lines = list(invoice.lines.select_related("tax_code").order_by("line_no"))
    return invoice, orders, lines


def _cancel(invoice: Invoice, orders: list, lines: list[InvoiceLine], reason: str, by: User) -> Invoice:
    note = _credit_note(
        invoice,
        credit_kind=CreditKind.CANCELLATION,
        reason=reason or gettext("Cancels invoice %(number)s.") % {"number": invoice.number},
        by=by,
    )
    # Every line in full, at the invoice's own prices and discounts: the note's total is minus the invoice's.
    credit_lines = [
        _credit_line(note, line, line.line_no, line.quantity, line.unit_price, line.discount_percent, line.net_amount)
        for line in lines
    ]
    _note_insert(note, credit_lines)
    # Canceling is the permission that counts: whoever may cancel the invoice posts its credit note.
    invoice_post(invoice=note, invoice_date=timezone.localdate(), by=by, check_permission=False)
    for order, slip_lines in orders:
        own = {order_line.pk for order_line in order.lines.all()}  # the locked lines, held in memory
        order_invoiced_unbook(
            order=order,
            invoiced=[
                InvoicedQuantity(
                    order_line_id=line.order_line_id,
                    quantity=line.quantity,
                    packing_slip_line_id=line.packing_slip_line_id,
                )
                for line in lines
                if line.order_line_id in own
            ],
            by=by,
            slip_lines=slip_lines,
        )
    transition_run(invoice.cancel, by=by)
    transition_save(invoice)
    return note


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, reason: str = "", by: User) -> Invoice:
    """Cancel an unpaid posted invoice: post a full credit note dated today that names it, give the order
    lines and packing slip lines it billed their invoiced quantities back (the orders follow: invoiced →
    delivered) and mark it canceled. Returns the canceled invoice; its credit note is ``credit_notes``.
    Nothing is deleted. Locks: orders (id order) → their lines → slip lines → invoice → credit note → numbers."""
    invoice, orders, lines = _lock_for_cancel(invoice, by)
    _cancel(invoice, orders, lines, reason, by)
    return invoice


@transaction.atomic
def invoice_correct(*, invoice: Invoice, reason: str = "", by: User) -> Invoice:
    """Cancel an unpaid posted invoice (``invoice_cancel``) and open a new draft copy of it to edit: same
    customer, order, basis and lines, naming the invoice it corrects. Returns the new draft."""
    invoice, orders, lines = _lock_for_cancel(invoice, by)
    if not by.has_perm("invoicing.add_invoice"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to make invoices.")
        )
    if invoice.order_id:
        draft = Invoice.objects.filter(order_id=invoice.order_id, state=InvoiceState.DRAFT).first()
        if draft is not None:
            raise TransitionRefused(
                code=ErrorCode.DRAFT_INVOICE_EXISTS,
                reason=gettext("Order %(number)s already has draft invoice #%(draft)s: post or delete it first.")
                % {"number": invoice.order.number, "draft": draft.pk},
            )
    _cancel(invoice, orders, lines, reason or gettext("Corrected."), by)
    copy = Invoice(
        customer_id=invoice.customer_id,
        order_id=invoice.order_id,
        basis=invoice.basis,
        kind=InvoiceKind.INVOICE,
        currency=invoice.currency,
        corrects=invoice,
        created_by=by,
    )
    copy_lines = []
    for line in lines:
        copied = InvoiceLine(
            line_no=line.line_no,
            line_type=line.line_type,
            item_id=line.item_id,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            price_source=line.price_source,
            discount_percent=line.discount_percent,
            tax_code=line.tax_code,
            order_line_id=line.order_line_id,
            packing_slip_line_id=line.packing_slip_line_id,
            revenue_account_id=line.revenue_account_id,
            net_amount=line.net_amount,
        )
        copy_lines.append(copied)
    return _note_insert(copy, copy_lines)
