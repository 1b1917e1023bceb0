"""The PDFs every invoice resource offers (customer invoices and free text invoices alike)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from core.api.renderers import PdfRenderer
from core.pdf import pdf_response
from invoicing.documents import invoice_pdf
from invoicing.pro_forma import invoice_pro_forma_pdf


class InvoicePdfActions:
    """``pdf/`` (the stored original once posted, PRO FORMA while draft) and ``pro-forma/`` (drafts only)."""

    @extend_schema(
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
        summary="The invoice as PDF: the stored original once posted, PRO FORMA while draft",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        content, filename = invoice_pdf(self.get_object())
        return pdf_response(content, filename)

    @extend_schema(
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
        summary="A PRO FORMA PDF of a draft: no number, nothing posted or changed (a posted one: 409)",
    )
    @action(detail=True, methods=["get"], url_path="pro-forma", renderer_classes=[JSONRenderer, PdfRenderer])
    def pro_forma(self, request, pk=None):
        content, filename = invoice_pro_forma_pdf(self.get_object())
        return pdf_response(content, filename)
