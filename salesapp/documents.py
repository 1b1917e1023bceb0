"""PDF documents of sales: the quotation, as the revision the customer was sent (or the draft being written), the
order confirmation, and a packing slip's delivery note."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from core.errors import TransitionRefused
from core.money import document_totals
from core.pdf import render_pdf
from salesapp.choices import PackingSlipState
from salesapp.errors import ErrorCode
from salesapp.line_types import taxable
from salesapp.models import PackingSlip, Quotation, QuotationRevision, SalesOrder
from salesapp.selectors.orders import delivery_address_lines
from salesapp.selectors.packing_slips import delivery_note_lines


def quotation_document_context(quotation: Quotation, *, revision: QuotationRevision | None = None) -> dict:
    """The revision's frozen content when there is one to show (the one last sent, unless another is named),
    else the draft as it stands, marked as a draft."""
    if revision is None and quotation.current_revision:
        revision = quotation.revisions.get(number=quotation.current_revision)
    source = revision or quotation
    lines = list(source.lines.select_related("item", "tax_code").order_by("line_no"))
    totals = document_totals(taxable(lines))
    codes = {line.tax_code_id: line.tax_code for line in lines}
    party = quotation.customer.party if quotation.customer_id else quotation.party
    return {
        "quotation": quotation,
        "document": source,
        "revision": revision,
        "party": party,
        "customer": quotation.customer,
        "lines": lines,
        "taxes": [{"code": codes[bucket.tax_code_id], **vars(bucket)} for bucket in totals.taxes],
        "draft": revision is None,
    }


def quotation_pdf(quotation: Quotation, *, revision: QuotationRevision | None = None) -> tuple[bytes, str]:
    """The PDF in the recipient's language, and its file name (number and revision)."""
    context = quotation_document_context(quotation, revision=revision)
    with translation.override(context["party"].language or "en"):
        content = render_pdf(template_name="pdf/quotation.html", context=context)
    suffix = f"-r{context['revision'].number}" if context["revision"] else "-draft"
    return content, f"{quotation.number}{suffix}.pdf"


def order_confirmation_context(order: SalesOrder, *, version: int | None = None) -> dict:
    """The order as its confirmation states it; ``version`` above 1 makes it a revised confirmation."""
    lines = list(order.lines.select_related("item", "tax_code").order_by("line_no"))
    totals = document_totals(taxable(lines))
    codes = {line.tax_code_id: line.tax_code for line in lines if line.tax_code_id}
    return {
        "order": order,
        "party": order.customer.party,
        "customer": order.customer,
        "delivery_address": delivery_address_lines(order),
        "lines": lines,
        "taxes": [{"code": codes[bucket.tax_code_id], **vars(bucket)} for bucket in totals.taxes],
        "version": version,
        "revised": bool(version and version > 1),
    }


def order_confirmation_pdf(order: SalesOrder, *, version: int | None = None) -> tuple[bytes, str]:
    """The confirmation PDF in the customer's language, and its file name."""
    context = order_confirmation_context(order, version=version)
    with translation.override(context["party"].language or "en"):
        content = render_pdf(template_name="pdf/order_confirmation.html", context=context)
    suffix = f"-v{version}" if version else ""
    return content, f"{order.number}-confirmation{suffix}.pdf"


def delivery_note_context(slip: PackingSlip) -> dict:
    order = slip.order
    return {
        "slip": slip,
        "order": order,
        "party": order.customer.party,
        "customer": order.customer,
        "delivery_address": delivery_address_lines(order),
        "lines": delivery_note_lines(slip),
        "return_receipt": slip.is_return_receipt,
    }


def delivery_note_pdf(slip: PackingSlip) -> tuple[bytes, str]:
    """A posted slip's delivery note (a return receipt's own document for a returned order) in the customer's
    language, and its file name. A draft has none: its quantities are not shipped yet."""
    if slip.state == PackingSlipState.DRAFT:
        raise TransitionRefused(
            code=ErrorCode.PACKING_SLIP_NOT_POSTED,
            reason=gettext("The packing slip is a draft: its delivery note is made when it is posted."),
        )
    context = delivery_note_context(slip)
    with translation.override(context["party"].language or "en"):
        content = render_pdf(template_name="pdf/delivery_note.html", context=context)
    return content, f"{slip.number}.pdf"
