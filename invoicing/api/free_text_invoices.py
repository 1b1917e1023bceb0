"""API for free text invoices: create with lines, change the draft and its lines, post, the PDF and pro forma."""

from django.db.models import F, Prefetch
from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.renderers import PdfRenderer
from core.api.schema import ServiceAutoSchema
from core.api.viewsets import ServiceViewSet
from core.pdf import pdf_response
from invoicing.api.free_text_invoice_serializers import (
    FreeTextInvoiceInputSerializer,
    FreeTextInvoiceSerializer,
    FreeTextInvoiceUpdateInputSerializer,
    FreeTextLineInputSerializer,
)
from invoicing.api.invoice_documents import InvoicePdfActions
from invoicing.api.invoice_serializers import InvoicePostInputSerializer
from invoicing.api.invoices import InvoiceFilter
from invoicing.choices import ORDER_BASES, InvoiceBasis
from invoicing.models import InvoiceLine, InvoiceTax
from invoicing.pro_forma import order_pro_forma_pdf
from invoicing.selectors.invoices import invoice_list
from invoicing.services import free_text_invoices as services
from invoicing.services.invoices import invoice_delete, invoice_post
from salesapp.api.document_serializers import with_customer_codes, with_line_codes
from salesapp.selectors.orders import order_list


class RevenueAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()


class FreeTextInvoiceViewSet(InvoicePdfActions, ServiceViewSet):
    """Free text invoices: lines typed on revenue accounts for a customer, without an order. Drafts are created,
    changed (header and lines) and deleted; posting numbers them from the invoice series and books them; a
    posted one refuses every change (409) and is corrected with a credit note. They also appear among
    ``invoices`` (basis ``free_text``)."""

    serializer_class = FreeTextInvoiceSerializer
    input_serializers = {
        "create": FreeTextInvoiceInputSerializer,
        "partial_update": FreeTextInvoiceUpdateInputSerializer,
        "lines": FreeTextLineInputSerializer,
        "line": FreeTextLineInputSerializer,
        "post_invoice": InvoicePostInputSerializer,
    }
    change_actions = ("lines", "line", "post_invoice")
    filterset_class = InvoiceFilter
    search_fields = ["number", "customer__party__name", "customer_reference"]

    def get_queryset(self):
        lines = with_line_codes(InvoiceLine.objects.order_by("line_no")).annotate(
            revenue_account_number=F("revenue_account__number")
        )
        return with_customer_codes(
            invoice_list(basis=InvoiceBasis.FREE_TEXT), order_number=F("order__number")
        ).prefetch_related(
            Prefetch("lines", queryset=lines),
            Prefetch("taxes", queryset=InvoiceTax.objects.annotate(tax_code_code=F("tax_code__code"))),
        )

    @extend_schema(
        request=FreeTextInvoiceInputSerializer,
        responses={201: FreeTextInvoiceSerializer},
        summary="Create a draft free text invoice with its lines",
        description="Currency and payment terms default to the customer's. Errors name the line by its index in "
        "the request (`lines[1].revenue_account`).",
    )
    def create(self, request):
        data = dict(self.validated_input())
        lines = [services.FreeTextLineInput(**line) for line in data.pop("lines")]
        invoice = services.free_text_invoice_create(lines=lines, by=request.user, **data)
        return self.respond(invoice, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=FreeTextInvoiceUpdateInputSerializer,
        responses=FreeTextInvoiceSerializer,
        summary="Change the currency, payment terms, due date or customer reference of a draft",
    )
    def partial_update(self, request, pk=None):
        invoice = services.free_text_invoice_update(
            invoice=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(invoice)

    @extend_schema(responses={204: None}, summary="Delete a draft (a posted one is refused: 409)")
    def destroy(self, request, pk=None):
        invoice_delete(invoice=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=FreeTextLineInputSerializer,
        responses={201: FreeTextInvoiceSerializer},
        summary="Add a line to a draft",
    )
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        invoice = self.get_object()
        line = services.FreeTextLineInput(**self.validated_input())
        services.free_text_invoice_line_add(invoice=invoice, line=line, by=request.user)
        return self.respond(invoice, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        request=FreeTextLineInputSerializer,
        responses=FreeTextInvoiceSerializer,
        summary="Change a line of a draft (fields left out stay as they are)",
    )
    @extend_schema(methods=["DELETE"], request=None, responses=FreeTextInvoiceSerializer, summary="Remove a line")
    @action(detail=True, methods=["patch", "delete"], url_path=r"lines/(?P<line_id>\d+)")
    def line(self, request, pk=None, line_id=None):
        invoice = self.get_object()
        found = get_object_or_404(InvoiceLine, pk=line_id, invoice=invoice)
        if request.method == "DELETE":
            services.free_text_invoice_line_delete(invoice_line=found, by=request.user)
        else:
            services.free_text_invoice_line_update(
                invoice_line=found, by=request.user, **self.validated_input(partial=True)
            )
        return self.respond(invoice)

    @extend_schema(responses=FreeTextInvoiceSerializer, summary="Post a draft: number it and book it")
    # Not named ``post``: a viewset attribute of that name would answer every POST to the resource.
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_invoice(self, request, pk=None):
        invoice = invoice_post(invoice=self.get_object(), by=request.user, **self.validated_input())
        return self.respond(invoice)

    @extend_schema(
        responses=RevenueAccountSerializer(many=True),
        summary="The ledger accounts a free text line may be booked on (kind revenue)",
    )
    @action(detail=False, methods=["get"], url_path="revenue-accounts", pagination_class=None, filter_backends=[])
    def revenue_accounts(self, request):
        accounts = services.revenue_account_list().values("id", "number", "name")
        return Response(list(accounts))


class OrderProFormaView(GenericAPIView):
    # ``GET sales-orders/{id}/pro-forma/`` is routed by invoicing because sales may not depend on it; reading
    # an order's invoice preview asks for ``invoicing.view_invoice`` (the queryset is the invoice's).

    schema = ServiceAutoSchema()
    renderer_classes = [JSONRenderer, PdfRenderer]

    def get_queryset(self):
        return invoice_list()

    @extend_schema(
        operation_id="sales_orders_pro_forma_retrieve",
        summary="A PRO FORMA PDF of what invoicing the order now would bill (nothing is created or changed)",
        description="Basis `order` (default): everything left, undelivered quantity included; `packing_slips`: "
        "what posted packing slips delivered and no invoice billed. An order with nothing to invoice, or that "
        "cannot be invoiced now, answers 409 with the reason.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Sales order id"),
            OpenApiParameter("basis", OpenApiTypes.STR, enum=list(ORDER_BASES), required=False),
        ],
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
    )
    def get(self, request, id):
        order = get_object_or_404(order_list().select_related("customer__party"), pk=id)
        content, filename = order_pro_forma_pdf(order=order, basis=request.query_params.get("basis", "order"))
        return pdf_response(content, filename)


def register(router, extra_urlpatterns: list) -> None:
    router.register("free-text-invoices", FreeTextInvoiceViewSet, basename="freetextinvoice")
    extra_urlpatterns.append(
        re_path(r"^sales-orders/(?P<id>[^/.]+)/pro-forma/$", OrderProFormaView.as_view(), name="salesorder-pro-forma")
    )
