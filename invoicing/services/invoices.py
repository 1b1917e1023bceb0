from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_fsm import has_transition_perm

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from core.money import ZERO, TaxableLine, document_totals, line_net
from core.numbering import number_take
from core.transitions import transition_refusal, transition_run
from invoicing.choices import AccountRole, InvoiceBasis, InvoiceState, PaymentState
from invoicing.errors import ErrorCode
from invoicing.jobs import invoice_pdf_store_job
from invoicing.lock_objects import lock_invoice
from invoicing.models import Invoice, InvoiceLine, InvoiceTax
from invoicing.services.ledger import (
    Posting,
    account_for_role,
    booking_date_error,
    journal_entry_post,
    tax_accounts,
)
from salesapp.choices import ItemType, PackingSlipState
from salesapp.lock_objects import lock_order, lock_order_lines
from salesapp.models import PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine
from salesapp.services.orders import InvoicedQuantity, order_register_invoiced
from salesapp.services.packing_slips import order_deliver_remainder

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _revenue_accounts():
    return {
        ItemType.STOCKED: account_for_role(AccountRole.REVENUE_GOODS),
        ItemType.SERVICE: account_for_role(AccountRole.REVENUE_SERVICES),
    }


def _invoice_line(invoice, order_line: SalesOrderLine, quantity: Decimal, line_no: int, accounts, slip_line=None):
    line = InvoiceLine(
        invoice=invoice,
        line_no=line_no,
        line_type=order_line.line_type,
        item=order_line.item,
        description=order_line.description,
        quantity=quantity,
        unit=order_line.unit,
        unit_price=order_line.unit_price,
        discount_percent=order_line.discount_percent,
        tax_code=order_line.tax_code,
        order_line=order_line,
        packing_slip_line=slip_line,
        revenue_account=accounts[order_line.item.item_type if order_line.item else ItemType.SERVICE],
    )
    line.net_amount = line_net(quantity=quantity, unit_price=line.unit_price, discount_percent=line.discount_percent)
    return line


def invoice_totals_refresh(invoice: Invoice) -> None:
    lines = list(invoice.lines.select_related("tax_code"))
    totals = document_totals(
        TaxableLine(net=line.net_amount, tax_code_id=line.tax_code_id, tax_rate=line.tax_code.rate) for line in lines
    )
    invoice.taxes.all().delete()
    InvoiceTax.objects.bulk_create(
        InvoiceTax(invoice=invoice, tax_code_id=t.tax_code_id, rate=t.rate, base=t.base, amount=t.amount)
        for t in totals.taxes
    )
    invoice.amount_net, invoice.amount_tax, invoice.amount_total = totals.net, totals.tax, totals.gross
    invoice.save(update_fields=["amount_net", "amount_tax", "amount_total", "updated_at"])


@transaction.atomic
def invoice_create_from_order(
    *,
    order: SalesOrder,
    basis: str = InvoiceBasis.PACKING_SLIPS,
    packing_slips: list[PackingSlip] | None = None,
    by: User,
) -> Invoice:
    """A draft invoice for an order.

    ``order``: everything still to invoice, the undelivered quantity included (delivered when posted).
    ``packing_slips``: what the chosen posted packing slips (default: all) delivered and no invoice billed yet."""
    order = lock_order(order.pk)
    lines = lock_order_lines(order)
    if basis not in InvoiceBasis.values:
        raise ValidationFailed(
            field_errors={"basis": gettext("Choose 'order' or 'packing_slips', not '%(basis)s'.") % {"basis": basis}}
        )
    reason = order.refusal_reason("invoice")
    if reason:
        raise TransitionRefused(code=ErrorCode.ORDER_NOT_INVOICEABLE, reason=reason)
    draft = order.invoices.filter(state=InvoiceState.DRAFT).first()
    if draft:
        raise TransitionRefused(
            code=ErrorCode.DRAFT_INVOICE_EXISTS,
            reason=gettext("Order %(number)s already has draft invoice #%(draft)s: post or delete it first.")
            % {"number": order.number, "draft": draft.pk},
        )
    invoice = Invoice(customer=order.customer, order=order, basis=basis, currency=order.currency, created_by=by)
    accounts = _revenue_accounts()
    new_lines: list[InvoiceLine] = []
    if basis == InvoiceBasis.ORDER:
        for line in lines.values():
            quantity = line.invoice_remainder + line.deliver_remainder
            if quantity > 0:
                new_lines.append(_invoice_line(invoice, line, quantity, len(new_lines) * 10 + 10, accounts))
    else:
        slip_lines = PackingSlipLine.objects.filter(
            packing_slip__order=order, packing_slip__state=PackingSlipState.POSTED
        ).select_related("packing_slip")
        if packing_slips is not None:
            chosen = {slip.pk for slip in packing_slips}
            foreign = [
                slip for slip in packing_slips if slip.order_id != order.pk or slip.state != PackingSlipState.POSTED
            ]
            if foreign:
                raise ValidationFailed(
                    field_errors={
                        "packing_slips": gettext("%(slip)s is not a posted packing slip of order %(number)s.")
                        % {"slip": foreign[0], "number": order.number}
                    }
                )
            slip_lines = slip_lines.filter(packing_slip__in=chosen)
        for slip_line in slip_lines.order_by("packing_slip__posted_at", "order_line__line_no"):
            if slip_line.invoice_remainder > 0:
                line = lines[slip_line.order_line_id]
                new_lines.append(
                    _invoice_line(
                        invoice,
                        line,
                        slip_line.invoice_remainder,
                        len(new_lines) * 10 + 10,
                        accounts,
                        slip_line,
                    )
                )
    if not new_lines:
        if basis == InvoiceBasis.PACKING_SLIPS:
            reason = gettext("Order %(number)s has nothing delivered and not yet invoiced.")
        else:
            reason = gettext("Order %(number)s has nothing left to invoice.")
        raise TransitionRefused(code=ErrorCode.NOTHING_TO_INVOICE, reason=reason % {"number": order.number})
    invoice.save()
    InvoiceLine.objects.bulk_create(new_lines)
    invoice_totals_refresh(invoice)
    return invoice


def _refuse_unless_draft(invoice: Invoice, action: str) -> None:
    if action == "post":
        reason = transition_refusal(invoice, "post") if invoice.state != InvoiceState.DRAFT else None
    else:
        reason = invoice.refusal_reason(action)
    if reason:
        raise TransitionRefused(code=ErrorCode.INVOICE_POSTED, reason=reason)


@transaction.atomic
def invoice_post(
    *, invoice: Invoice, invoice_date: datetime.date | None = None, store_pdf: bool = True, by: User
) -> Invoice:
    """Post a draft: deliver what an order-basis invoice still needs, take the next gapless number,
    write the journal entry, book the invoiced quantities and let the order follow.

    The PDF is rendered and stored by a job committed with the posting; bulk runs (demo data, benchmarks)
    pass ``store_pdf=False`` and the PDF is then stored the first time someone opens it."""
    if invoice.order_id:
        order = lock_order(invoice.order_id)
        lock_order_lines(order)
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_draft(invoice, "post")
    lines = list(invoice.lines.select_related("order_line", "tax_code", "item", "revenue_account"))
    if not lines:
        raise TransitionRefused(code=ErrorCode.INVOICE_EMPTY, reason=gettext("The invoice has no lines to post."))
    if not has_transition_perm(invoice.post, by):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to post invoices.")
        )
    date_error = booking_date_error(invoice_date)
    if date_error:
        raise ValidationFailed(code=ErrorCode.INVOICE_DATE_INVALID, field_errors={"invoice_date": date_error})
    invoice_date = invoice_date or timezone.localdate()
    if invoice.order_id and invoice.basis == InvoiceBasis.ORDER:
        # Shipping is part of posting this invoice ("ship and invoice"): the posting permission covers it.
        order_deliver_remainder(order=invoice.order, ship_date=invoice_date, by=by, check_permission=False)
    due_date = invoice_date + datetime.timedelta(days=invoice.customer.payment_terms_days)
    transition_run(
        invoice.post,
        by=by,
        number=number_take(code="invoice"),
        invoice_date=invoice_date,
        due_date=due_date,
    )
    invoice.save()
    _journal_for_invoice(invoice, lines)
    if invoice.order_id:
        order_register_invoiced(
            order=invoice.order,
            invoiced=[
                InvoicedQuantity(
                    order_line_id=line.order_line_id,
                    quantity=line.quantity,
                    packing_slip_line_id=line.packing_slip_line_id,
                )
                for line in lines
                if line.order_line_id
            ],
            by=by,
        )
    if store_pdf:
        job_enqueue(invoice_pdf_store_job, invoice_id=invoice.pk)
    return invoice


def _journal_for_invoice(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    revenue: dict[int, Decimal] = defaultdict(lambda: ZERO)
    revenue_accounts = {}
    for line in lines:
        revenue[line.revenue_account_id] += line.net_amount
        revenue_accounts[line.revenue_account_id] = line.revenue_account
    taxes = list(invoice.taxes.all())
    tax_account = tax_accounts({t.tax_code_id for t in taxes})
    postings = [
        Posting(
            account=account_for_role(AccountRole.RECEIVABLE),
            debit=invoice.amount_total,
            description=f"Invoice {invoice.number}",
            customer_id=invoice.customer_id,
        )
    ]
    postings += [
        Posting(account=revenue_accounts[account_id], credit=amount, description=f"Invoice {invoice.number}")
        for account_id, amount in sorted(revenue.items())
    ]
    postings += [
        Posting(account=tax_account[t.tax_code_id], credit=t.amount, description=f"Output tax {t.rate}%") for t in taxes
    ]
    journal_entry_post(
        entry_date=invoice.invoice_date,
        description=f"Customer invoice {invoice.number} {invoice.customer.party.name}",
        postings=postings,
        currency=invoice.currency,
        invoice=invoice,
    )


@transaction.atomic
def invoice_delete(*, invoice: Invoice, by: User) -> None:
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_draft(invoice, "delete")
    invoice.delete()


@transaction.atomic
def invoice_payment_refresh(*, invoice: Invoice, by: User) -> Invoice:
    """Derive the payment state from the payments applied to the invoice (caller holds the lock)."""
    paid = sum((a.amount for a in invoice.payment_applications.all()), ZERO)
    invoice.amount_paid = paid
    if paid >= invoice.amount_total and invoice.payment_state != PaymentState.PAID:
        transition_run(invoice.pay_fully, by=by)
    elif ZERO < paid < invoice.amount_total and invoice.payment_state != PaymentState.PARTIALLY_PAID:
        transition_run(invoice.pay_partially, by=by)
    invoice.save()
    return invoice
