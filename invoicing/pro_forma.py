"""PRO FORMA PDFs: what a draft invoice, or an invoice of an order made now, would bill. Nothing is written,
numbered or posted: a draft is rendered as it stands; for an order the invoice lines are computed in memory by
the same line builder ``invoice_create_from_order`` uses, never saved (no transaction to roll back, no lock,
no number series touched)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from core.pdf import render_pdf
from core.transitions import first_refusal
from invoicing.choices import ORDER_BASES, InvoiceBasis, InvoiceKind, InvoiceState
from invoicing.documents import invoice_document_context
from invoicing.errors import ErrorCode
from invoicing.models import Invoice, InvoiceLine, InvoiceTax
from invoicing.services.invoices import (
    _POSTED_SLIP_LINES,
    ORDER_INVOICE_RULES,
    _invoice_line,
    _revenue_accounts,
    _totals,
    _totals_set,
)
from salesapp.models import SalesOrder, TaxCode
from salesapp.order_types import policy_for


def _render(context: dict) -> bytes:
    # In the customer's language, as every document sent to the customer (invoicing.documents).
    with translation.override(context["party"].language or "en"):
        return render_pdf(template_name="pdf/invoice.html", context={**context, "pro_forma": True})


def invoice_pro_forma_pdf(invoice: Invoice) -> tuple[bytes, str]:
    """A draft invoice (from an order, a quotation or typed in) as PRO FORMA: a posted one has its own PDF."""
    if invoice.state != InvoiceState.DRAFT:
        raise TransitionRefused(
            code=ErrorCode.INVOICE_POSTED,
            reason=gettext("Invoice %(number)s is posted: its PDF is the invoice itself, not a pro forma.")
            % {"number": invoice.number or invoice.pk},
        )
    return _render(invoice_document_context(invoice)), f"pro-forma-{invoice.pk}.pdf"


def order_invoice_preview(*, order: SalesOrder, basis: str = InvoiceBasis.ORDER) -> tuple[Invoice, list[InvoiceLine]]:
    """The invoice (unsaved) and its lines that ``invoice_create_from_order`` would make for ``order`` now: the
    same rules refuse, the same lines are built. ``basis`` as there: ``order`` bills everything left (what is not
    delivered yet included), ``packing_slips`` what posted slips delivered and no invoice billed."""
    if basis not in ORDER_BASES:
        raise ValidationFailed(
            field_errors={"basis": gettext("Choose 'order' or 'packing_slips', not '%(basis)s'.") % {"basis": basis}}
        )
    reason = first_refusal(ORDER_INVOICE_RULES, order)
    if reason:
        raise TransitionRefused(code=ErrorCode.ORDER_NOT_INVOICEABLE, reason=reason)
    invoice = Invoice(
        customer=order.customer,
        order=order,
        basis=basis,
        kind=InvoiceKind.CREDIT_NOTE if policy_for(order.order_type).invoice_makes_credit_note else InvoiceKind.INVOICE,
        currency=order.currency,
    )
    accounts = _revenue_accounts()
    order_lines = {line.pk: line for line in order.lines.select_related("item", "tax_code").order_by("line_no")}
    lines: list[InvoiceLine] = []
    if basis == InvoiceBasis.ORDER:
        for line in order_lines.values():
            quantity = line.invoice_remainder + line.deliver_remainder
            if quantity > 0:
                lines.append(_invoice_line(invoice, line, quantity, len(lines) * 10 + 10, accounts))
    else:
        for slip_line in _POSTED_SLIP_LINES.all(order.pk):
            if slip_line.invoice_remainder > 0:
                line = order_lines[slip_line.order_line_id]
                lines.append(
                    _invoice_line(invoice, line, slip_line.invoice_remainder, len(lines) * 10 + 10, accounts, slip_line)
                )
    if not lines:
        if basis == InvoiceBasis.PACKING_SLIPS:
            reason = gettext("Order %(number)s has nothing delivered and not yet invoiced.")
        else:
            reason = gettext("Order %(number)s has nothing left to invoice.")
        raise TransitionRefused(code=ErrorCode.NOTHING_TO_INVOICE, reason=reason % {"number": order.number})
    return invoice, lines


def order_pro_forma_pdf(*, order: SalesOrder, basis: str = InvoiceBasis.ORDER) -> tuple[bytes, str]:
    invoice, lines = order_invoice_preview(order=order, basis=basis)
    totals = _totals(lines)
    _totals_set(invoice, totals)
    codes = TaxCode.objects.in_bulk({tax.tax_code_id for tax in totals.taxes})
    taxes = [
        InvoiceTax(tax_code=codes[tax.tax_code_id], rate=tax.rate, base=tax.base, amount=tax.amount)
        for tax in totals.taxes
    ]
    context = {
        "invoice": invoice,
        "customer": order.customer,
        "party": order.customer.party,
        "lines": lines,
        "taxes": taxes,
    }
    return _render(context), f"pro-forma-{order.number}.pdf"
