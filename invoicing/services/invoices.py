from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django_fsm import has_transition_perm

from core.bulk import rows_insert
from core.compiled import CompiledQuery
from core.db import constraint_name
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.events import event_record
from core.jobs import job_enqueue
from core.loaded import loaded_set
from core.money import ZERO, DocumentTotals, TaxableLine, document_totals, line_net
from core.numbering import numbers_take
from core.transitions import (
    Refusal,
    first_refusal,
    transition_refusal,
    transition_run,
    transitions_saved,
)
from invoicing import events
from invoicing.choices import (
    ORDER_BASES,
    AccountRole,
    CreditKind,
    InvoiceBasis,
    InvoiceKind,
    InvoiceState,
    PaymentState,
)
from invoicing.errors import ErrorCode
from invoicing.jobs import invoice_pdf_store_job
from invoicing.lock_objects import lock_invoice
from invoicing.models import Invoice, InvoiceLine, InvoiceTax, PaymentApplication
from invoicing.models.invoices import ONE_DRAFT_PER_ORDER
from invoicing.selectors.credit_notes import credited_amounts
from invoicing.services.ledger import (
    Posting,
    PostingAccounts,
    booking_date_error,
    journal_entry_post,
    posting_accounts,
)
from invoicing.services.summary_posting import (
    summary_claims_release,
    summary_invoiced_book,
    summary_orders_lock,
    summary_slip_lines_lock,
)
from salesapp.choices import ItemType, LineType, PackingSlipState
from salesapp.line_types import is_comment
from salesapp.lock_objects import lock_order, lock_order_lines, lock_posted_slip_lines
from salesapp.models import (
    Customer,
    PackingSlip,
    PackingSlipLine,
    Quotation,
    QuotationRevisionLine,
    SalesOrder,
    SalesOrderLine,
    SubscriptionPeriod,
)
from salesapp.order_types import policy_for
from salesapp.services.orders import InvoicedQuantity, order_invoiced_book
from salesapp.services.packing_slips import order_deliver_remainder

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Read by every invoice created from packing slips and every posting: compiled once (core.compiled).
_POSTED_SLIP_LINES = CompiledQuery(
    lambda order_id: (
        PackingSlipLine.objects.filter(packing_slip__order_id=order_id, packing_slip__state=PackingSlipState.POSTED)
        .select_related("packing_slip")
        .order_by("packing_slip__posted_at", "order_line__line_no")
    )
)
_INVOICE_LINES = CompiledQuery(
    lambda invoice_id: InvoiceLine.objects.filter(invoice_id=invoice_id).select_related("tax_code").order_by("line_no")
)


# An order's invoice from the invoice page, the API or the admin. A subscription is invoiced by a billing run
# only (invoicing.services.subscriptions), period by period: an invoice made otherwise would leave it invoiced
# instead of renewed, its period unrecorded.
ORDER_INVOICE_RULES = (
    *SalesOrder.INVOICE_RULES,
    Refusal(
        lambda order: not policy_for(order.order_type).reopens_after_invoice,
        lambda order: (
            gettext("Order %(number)s is a subscription: a billing run invoices it, one period at a time.")
            % {"number": order.number}
        ),
    ),
)


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _revenue_accounts() -> dict[str, int]:
    accounts = posting_accounts(roles=[AccountRole.REVENUE_GOODS, AccountRole.REVENUE_SERVICES])
    return {
        ItemType.STOCKED: accounts.role(AccountRole.REVENUE_GOODS),
        ItemType.SERVICE: accounts.role(AccountRole.REVENUE_SERVICES),
    }


def _invoice_line(invoice, order_line: SalesOrderLine, quantity: Decimal, line_no: int, accounts, slip_line=None):
    """The invoice line billing ``quantity`` of ``order_line``; on a credit note the quantity, and so the amounts,
    are negative."""
    if invoice.is_credit_note:
        quantity = -quantity
    line = InvoiceLine(
        invoice=invoice,
        line_no=line_no,
        line_type=order_line.line_type,
        item=order_line.item,
        description=order_line.description,
        quantity=quantity,
        unit=order_line.unit,
        unit_price=order_line.unit_price,
        price_source=order_line.price_source,
        discount_percent=order_line.discount_percent,
        tax_code=order_line.tax_code,
        order_line=order_line,
        packing_slip_line=slip_line,
        revenue_account_id=accounts[order_line.item.item_type if order_line.item else ItemType.SERVICE],
    )
    line.net_amount = line_net(quantity=quantity, unit_price=line.unit_price, discount_percent=line.discount_percent)
    return line


def _totals(lines) -> DocumentTotals:
    return document_totals(
        TaxableLine(net=line.net_amount, tax_code_id=line.tax_code_id, tax_rate=line.tax_code.rate) for line in lines
    )


def _totals_set(invoice: Invoice, totals: DocumentTotals) -> None:
    invoice.amount_net, invoice.amount_tax, invoice.amount_total = totals.net, totals.tax, totals.gross


def _taxes_insert(invoice: Invoice, totals: DocumentTotals) -> None:
    rows_insert(
        [
            InvoiceTax(invoice=invoice, tax_code_id=t.tax_code_id, rate=t.rate, base=t.base, amount=t.amount)
            for t in totals.taxes
        ]
    )


def invoice_totals_refresh(invoice: Invoice) -> None:
    """Recompute a draft's totals and tax lines from its lines as stored (after a line changed)."""
    totals = _totals(invoice.lines.select_related("tax_code"))
    invoice.taxes.all().delete()
    _taxes_insert(invoice, totals)
    _totals_set(invoice, totals)
    invoice.save(update_fields=["amount_net", "amount_tax", "amount_total", "updated_at"])


def invoice_create_from_order(
    *,
    order: SalesOrder,
    basis: str = InvoiceBasis.PACKING_SLIPS,
    packing_slips: list[PackingSlip] | None = None,
    subscription_period: SubscriptionPeriod | None = None,
    by: User,
) -> Invoice:
    """A draft invoice for an order; ``subscription_period``: the period of a subscription it bills.

    ``order``: everything still to invoice, the undelivered quantity included (delivered when posted).
    ``packing_slips``: what the chosen posted packing slips (default: all) delivered and no invoice billed yet.

    An order has at most one draft invoice: the database holds that rule (a partial unique index), so it is
    not asked first; the refusal names the draft when the insert meets it."""
    try:
        return _invoice_create_from_order(
            order=order, basis=basis, packing_slips=packing_slips, subscription_period=subscription_period, by=by
        )
    except IntegrityError as error:
        if constraint_name(error) != ONE_DRAFT_PER_ORDER:
            raise
        draft = Invoice.objects.filter(order=order, state=InvoiceState.DRAFT).first()
        raise TransitionRefused(
            code=ErrorCode.DRAFT_INVOICE_EXISTS,
            reason=gettext("Order %(number)s already has draft invoice #%(draft)s: post or delete it first.")
            % {"number": order.number, "draft": draft.pk if draft else "?"},
        ) from None


@transaction.atomic
def _invoice_create_from_order(
    *,
    order: SalesOrder,
    basis: str,
    packing_slips: list[PackingSlip] | None,
    subscription_period: SubscriptionPeriod | None = None,
    by: User,
) -> Invoice:
    order = lock_order(order.pk, with_customer=False)
    lines = lock_order_lines(order)
    if basis not in ORDER_BASES:
        raise ValidationFailed(
            field_errors={"basis": gettext("Choose 'order' or 'packing_slips', not '%(basis)s'.") % {"basis": basis}}
        )
    reason = first_refusal(SalesOrder.INVOICE_RULES if subscription_period else ORDER_INVOICE_RULES, order)
    if reason:
        raise TransitionRefused(code=ErrorCode.ORDER_NOT_INVOICEABLE, reason=reason)
    invoice = Invoice(
        customer_id=order.customer_id,
        order=order,
        basis=basis,
        # A returned order's invoice is a credit note: never a positive invoice for goods that came back.
        kind=InvoiceKind.CREDIT_NOTE if policy_for(order.order_type).invoice_makes_credit_note else InvoiceKind.INVOICE,
        credit_kind=CreditKind.RETURN if policy_for(order.order_type).invoice_makes_credit_note else None,
        currency=order.currency,
        subscription_period=subscription_period,
        created_by=by,
    )
    accounts = _revenue_accounts()
    new_lines: list[InvoiceLine] = []
    if basis == InvoiceBasis.ORDER:
        for line in lines.values():
            quantity = line.invoice_remainder + line.deliver_remainder
            if quantity > 0:
                new_lines.append(_invoice_line(invoice, line, quantity, len(new_lines) * 10 + 10, accounts))
    else:
        slip_lines = _POSTED_SLIP_LINES.all(order.pk)
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
            slip_lines = [slip_line for slip_line in slip_lines if slip_line.packing_slip_id in chosen]
        for slip_line in slip_lines:
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
    if invoice.is_credit_note:
        _credited_lines_trace(invoice, new_lines, lines)
    # Totals and tax lines from the lines built here: the rows about to be inserted, not read back.
    totals = _totals(new_lines)
    _totals_set(invoice, totals)
    rows_insert([invoice])
    for line in new_lines:
        line.invoice = invoice
    rows_insert(new_lines)
    _taxes_insert(invoice, totals)
    return invoice


def _credited_lines_trace(invoice: Invoice, new_lines: list[InvoiceLine], order_lines) -> None:
    """A returned order's credit note names what it credits: each line the first posted invoice line that
    billed the returned line and still has room for the credit; the note names the invoice when all its lines
    credit one. A line that cannot be traced (returned goods invoiced nowhere, or credited in full already)
    names none."""
    returned = {line.pk: line.returned_line_id for line in order_lines.values() if line.returned_line_id}
    if not returned:
        return
    candidates = list(
        InvoiceLine.objects.filter(
            order_line_id__in=set(returned.values()),
            invoice__state=InvoiceState.POSTED,
            invoice__kind=InvoiceKind.INVOICE,
        ).order_by("pk")
    )
    credited = credited_amounts(line.pk for line in candidates)
    for line in new_lines:
        for candidate in candidates:
            room = candidate.net_amount - credited.get(candidate.pk, ZERO)
            if candidate.order_line_id == returned.get(line.order_line_id) and -line.net_amount <= room:
                line.credited_line = candidate
                credited[candidate.pk] = credited.get(candidate.pk, ZERO) - line.net_amount
                break
    invoices = {line.credited_line.invoice_id if line.credited_line else None for line in new_lines}
    if len(invoices) == 1 and None not in invoices:
        invoice.credited_invoice_id = invoices.pop()


def _is_service(line) -> bool:
    return line.item.item_type == ItemType.SERVICE if line.item_id else line.line_type != LineType.ITEM


def quotation_invoice_refusal(lines: list[QuotationRevisionLine]) -> str | None:
    """Why these quotation lines cannot be invoiced directly: goods are delivered, so they go through an order."""
    for line in lines:
        if not is_comment(line) and not _is_service(line):
            return gettext(
                "Line %(line_no)s (%(item)s) is not a service: goods are delivered, so the quotation converts into "
                "a sales order, not an invoice draft."
            ) % {"line_no": line.line_no, "item": line.item.number if line.item_id else line.description}
    return None


@transaction.atomic
def invoice_create_from_quotation(
    *, quotation: Quotation, revision_lines: list[QuotationRevisionLine], customer: Customer, by: User
) -> Invoice:
    """A draft invoice, without an order, for the services of an accepted quotation revision: its lines, prices,
    discounts, price sources and tax codes as the customer accepted them (the quotation converter "invoice").
    Posting it needs no delivery (``invoice_post`` books no order quantities for it)."""
    reason = quotation_invoice_refusal(revision_lines)
    if reason:
        raise TransitionRefused(code=ErrorCode.QUOTATION_NOT_INVOICEABLE, reason=reason)
    invoice = Invoice(
        customer=customer,
        quotation=quotation,
        basis=InvoiceBasis.DIRECT,
        currency=quotation.currency,
        created_by=by,
    )
    accounts = _revenue_accounts()
    lines = []
    for quoted in revision_lines:
        if is_comment(quoted):
            continue  # text for the quotation's reader; an invoice carries amounts only
        line = InvoiceLine(
            invoice=invoice,
            line_no=quoted.line_no,
            line_type=quoted.line_type,
            item=quoted.item,
            description=quoted.description,
            quantity=quoted.quantity,
            unit=quoted.unit,
            unit_price=quoted.unit_price,
            price_source=quoted.price_source,
            discount_percent=quoted.discount_percent,
            tax_code=quoted.tax_code,
            revenue_account_id=accounts[quoted.item.item_type if quoted.item_id else ItemType.SERVICE],
        )
        # Recomputed by the same rule as the revision's (core/money.py), so the totals agree to the cent.
        line.net_amount = line_net(
            quantity=line.quantity, unit_price=line.unit_price, discount_percent=line.discount_percent
        )
        lines.append(line)
    totals = _totals(lines)
    _totals_set(invoice, totals)
    rows_insert([invoice])
    for line in lines:
        line.invoice = invoice
    rows_insert(lines)
    _taxes_insert(invoice, totals)
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
    *,
    invoice: Invoice,
    invoice_date: datetime.date | None = None,
    store_pdf: bool = True,
    by: User,
    check_permission: bool = True,
) -> Invoice:
    """Post a draft: deliver what an order-basis invoice still needs, take the next gapless number,
    write the journal entry, book the invoiced quantities and let the order follow.

    Each document is locked once, in the documented order (order → its lines → invoice), and the rules read
    the rows held in memory. The PDF is rendered and stored by a job committed with the posting; bulk runs
    (demo data, benchmarks) pass ``store_pdf=False`` and the PDF is then stored the first time someone opens it."""
    if invoice.order_id:
        order = lock_order(invoice.order_id, with_customer=False)
        lock_order_lines(order, related=())
    summary_orders = summary_orders_lock(invoice) if invoice.basis == InvoiceBasis.SUMMARY else None
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_draft(invoice, "post")
    lines = _INVOICE_LINES.all(invoice.pk)
    for line in lines:
        line.invoice = invoice
    loaded_set(invoice, "lines", lines)
    if not lines:
        raise TransitionRefused(code=ErrorCode.INVOICE_EMPTY, reason=gettext("The invoice has no lines to post."))
    if check_permission and not has_transition_perm(invoice.post, by):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to post invoices.")
        )
    date_error = booking_date_error(invoice_date)
    if date_error:
        raise ValidationFailed(code=ErrorCode.INVOICE_DATE_INVALID, field_errors={"invoice_date": date_error})
    invoice_date = invoice_date or timezone.localdate()
    if invoice.order_id and invoice.basis == InvoiceBasis.ORDER:
        # Shipping is part of posting this invoice ("ship and invoice"): the posting permission covers it, and
        # the invoice tells the customer (no separate shipping notice).
        order_deliver_remainder(
            order=order, ship_date=invoice_date, by=by, check_permission=False, notify_customer=False
        )
        order = lock_order(order.pk, with_customer=False)  # held already: this reads what the delivery changed
        lock_order_lines(order, related=())
    if invoice.order_id:
        invoice.order = order
    # Every row posting writes is locked before the numbers are taken (DESIGN.md §2.4).
    slip_lines = lock_posted_slip_lines(order) if invoice.order_id else None
    summary_slip_lines = summary_slip_lines_lock(summary_orders) if summary_orders else None
    totals = _totals(lines)
    accounts = posting_accounts(roles=[AccountRole.RECEIVABLE], tax_code_ids={t.tax_code_id for t in totals.taxes})
    # A due date typed on the draft (a free text invoice) stands; otherwise the terms decide.
    due_date = invoice.due_date or invoice_date + datetime.timedelta(days=invoice.payment_terms_days)
    series = "credit_note" if invoice.is_credit_note else "invoice"
    numbers = numbers_take(series, "journal")
    if summary_orders is not None:
        summary_claims_release(invoice)  # while still a draft: its lines change no more once posted
    with transitions_saved(invoice):
        transition_run(
            invoice.post,
            by=by,
            check_permission=check_permission,
            number=numbers[series],
            invoice_date=invoice_date,
            due_date=due_date,
        )
        event_record(
            type=events.invoice_posted_type(invoice), subject=invoice, by=by, data=events.invoice_data(invoice)
        )
    _journal_for_invoice(invoice, lines, totals, accounts, number=numbers["journal"])
    if invoice.order_id:
        order_invoiced_book(
            order=order,
            invoiced=[
                InvoicedQuantity(
                    order_line_id=line.order_line_id,
                    # A credit note's lines are negative; on its returned order they are what was credited.
                    quantity=abs(line.quantity),
                    packing_slip_line_id=line.packing_slip_line_id,
                )
                for line in lines
                if line.order_line_id
            ],
            by=by,
            slip_lines=slip_lines,
        )
    if summary_orders:
        summary_invoiced_book(orders=summary_orders, lines=lines, slip_lines=summary_slip_lines, by=by)
    if store_pdf:
        job_enqueue(invoice_pdf_store_job, invoice_id=invoice.pk)
    return invoice


def _journal_for_invoice(
    invoice: Invoice, lines: list[InvoiceLine], totals: DocumentTotals, accounts: PostingAccounts, *, number: str
) -> None:
    """Receivable on the debit side; revenue per account and output tax per tax code on the credit side. The
    tax lines are the draft's stored ones, recomputed from the same lines by the same rule (core/money.py).
    A credit note's amounts are negative, so the same postings land on the other sides: it reverses revenue,
    tax and the receivable."""
    revenue: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        revenue[line.revenue_account_id] += line.net_amount
    document = "Credit note" if invoice.is_credit_note else "Invoice"
    postings = [
        Posting.signed(
            account_id=accounts.role(AccountRole.RECEIVABLE),
            amount=invoice.amount_total,
            description=f"{document} {invoice.number}",
            customer_id=invoice.customer_id,
        )
    ]
    postings += [
        Posting.signed(account_id=account_id, amount=-amount, description=f"{document} {invoice.number}")
        for account_id, amount in sorted(revenue.items())
    ]
    postings += [
        Posting.signed(account_id=accounts.tax(t.tax_code_id), amount=-t.amount, description=f"Output tax {t.rate}%")
        for t in totals.taxes
    ]
    journal_entry_post(
        entry_date=invoice.invoice_date,
        description=f"Customer {document.lower()} {invoice.number} {invoice.customer.party.name}",
        postings=postings,
        currency=invoice.currency,
        invoice=invoice,
        number=number,
    )


@transaction.atomic
def invoice_delete(*, invoice: Invoice, by: User) -> None:
    invoice = lock_invoice(invoice.pk)
    _refuse_unless_draft(invoice, "delete")
    invoice.delete()


@transaction.atomic
def invoice_payment_refresh(*, invoice: Invoice, by: User) -> Invoice:
    """Derive the payment state from what settles the document (caller holds the lock): the applications to it,
    less, for a credit note, what it settled of invoices by set-off; un-applied rows no longer count. A credit
    note's amounts are negative, so magnitudes decide."""
    paid = PaymentApplication.objects.filter(unapplied_at__isnull=True).aggregate(
        to=Sum("amount", filter=Q(invoice=invoice), default=ZERO),
        set_off=Sum("amount", filter=Q(credit_note=invoice), default=ZERO),
    )
    paid = paid["to"] - paid["set_off"]
    invoice.amount_paid = paid
    if paid == ZERO:
        if invoice.payment_state != PaymentState.UNPAID:
            transition_run(invoice.pay_none, by=by)
    elif abs(paid) >= abs(invoice.amount_total):
        if invoice.payment_state != PaymentState.PAID:
            transition_run(invoice.pay_fully, by=by)
    elif invoice.payment_state != PaymentState.PARTIALLY_PAID:
        transition_run(invoice.pay_partially, by=by)
    invoice.save()
    return invoice
