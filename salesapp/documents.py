"""PDF documents of sales: the quotation, as the revision the customer was sent (or the draft being written)."""

from __future__ import annotations

from django.utils import translation

from core.money import document_totals
from core.pdf import render_pdf
from salesapp.line_types import taxable
from salesapp.models import Quotation, QuotationRevision


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
