"""API for invoices: invoice an order, post, delete a draft, the PDF."""

import django_filters
from django.db.models import F, Prefetch
from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.response import Response

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly, errors_by_request_index
from core.api.schema import ServiceAutoSchema
from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from invoicing.api.credit_notes import CREDIT_CHANGE_ACTIONS, CREDIT_INPUT_SERIALIZERS, InvoiceCreditActions
from invoicing.api.invoice_documents import InvoicePdfActions
from invoicing.api.invoice_email_serializers import InvoiceEmailInputSerializer, InvoiceEmailSerializer
from invoicing.api.invoice_serializers import (
    InvoicePostInputSerializer,
    InvoiceReturnInputSerializer,
    InvoiceSerializer,
    OrderInvoiceInputSerializer,
)
from invoicing.choices import InvoiceBasis, InvoiceKind, InvoiceState, PaymentState
from invoicing.models import Invoice, InvoiceLine, InvoiceTax
from invoicing.selectors.invoices import invoice_list
from invoicing.services.invoice_emails import invoice_email_send
from invoicing.services.invoices import invoice_create_from_order, invoice_delete, invoice_post
from invoicing.services.returns import invoice_return
from salesapp.api.document_serializers import with_customer_codes, with_line_codes
from salesapp.api.order_serializers import SalesOrderSerializer
from salesapp.selectors.orders import order_list


class InvoiceFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=InvoiceState.choices)
    payment_state = django_filters.ChoiceFilter(choices=PaymentState.choices)
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices, help_text="invoice or credit_note")
    basis = django_filters.ChoiceFilter(
        choices=InvoiceBasis.choices, help_text="order, packing_slips, direct, free_text"
    )
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    order = django_filters.NumberFilter(field_name="order_id", help_text="Sales order id")
    quotation = django_filters.NumberFilter(
        field_name="quotation_id", help_text="Quotation id (the invoice draft an accepted quotation converted into)"
    )
    number = django_filters.CharFilter(lookup_expr="iexact")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Invoice
        fields = ["state", "payment_state", "kind", "customer", "order", "number"]


def invoice_queryset():
    return with_customer_codes(invoice_list(), order_number=F("order__number")).prefetch_related(
        Prefetch("lines", queryset=with_line_codes(InvoiceLine.objects.order_by("line_no"))),
        Prefetch("taxes", queryset=InvoiceTax.objects.annotate(tax_code_code=F("tax_code__code"))),
    )


class InvoiceViewSet(InvoicePdfActions, InvoiceCreditActions, ServiceViewSet):
    """Customer invoices. Drafts are created from an order (``POST sales-orders/{id}/invoice/``); posting
    gives the number and books it; a draft can be deleted. Payment state follows the payments applied."""

    serializer_class = InvoiceSerializer
    input_serializers = {
        "post_invoice": InvoicePostInputSerializer,
        "return_goods": InvoiceReturnInputSerializer,
        "email": InvoiceEmailInputSerializer,
        **CREDIT_INPUT_SERIALIZERS,
    }
    change_actions = ("post_invoice", "return_goods", *CREDIT_CHANGE_ACTIONS)
    filterset_class = InvoiceFilter
    search_fields = ["number", "customer__party__name", "order__number"]

    def get_queryset(self):
        return invoice_queryset()

    @extend_schema(responses=InvoiceSerializer, summary="Post a draft invoice: number it and book it")
    # Not named ``post``: a viewset attribute of that name would answer every POST to the resource.
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_invoice(self, request, pk=None):
        invoice = self.get_object()
        invoice = invoice_post(invoice=invoice, by=request.user, **self.validated_input())
        return self.respond(invoice)

    @extend_schema(
        request=InvoiceReturnInputSerializer,
        responses={201: SalesOrderSerializer},
        summary="Enter a returned order (with its RMA number) for goods billed on this posted invoice",
        description=(
            "Each invoice line names the order line it billed; the returned order's lines return those at their "
            "price. Refused (400) for more than the invoice line billed or than was delivered and is not already "
            "being returned; errors name the index of the line in the request (`lines[0].quantity`)."
        ),
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_goods(self, request, pk=None):
        invoice = self.get_object()
        data = self.validated_input()
        line_ids = [line["invoice_line"] for line in data["lines"]]
        quantities = {line["invoice_line"]: line["quantity"] for line in data["lines"]}
        try:
            returned = invoice_return(
                invoice=invoice, quantities=quantities, return_reason=data["return_reason"], by=request.user
            )
        except ValidationFailed as exc:
            raise errors_by_request_index(exc, line_ids, id_field="invoice_line") from exc
        return Response(SalesOrderSerializer(returned).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InvoiceEmailInputSerializer,
        responses={202: InvoiceEmailSerializer},
        summary="Email a posted invoice or credit note to the customer, with its PDF attached",
        description="Sent by a job, once; the email's status says whether it went.",
    )
    @action(detail=True, methods=["post"])
    def email(self, request, pk=None):
        email = invoice_email_send(invoice=self.get_object(), to=self.validated_input().get("to", ""), by=request.user)
        return Response(InvoiceEmailSerializer(email).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={204: None}, summary="Delete a draft invoice (a posted one is refused: 409)")
    def destroy(self, request, pk=None):
        invoice_delete(invoice=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderInvoiceView(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    # ``POST sales-orders/{id}/invoice/`` is routed by invoicing because sales may not depend on it;
    # the queryset is the invoice's, so the model permission asked for is ``invoicing.add_invoice``.

    schema = ServiceAutoSchema()
    serializer_class = InvoiceSerializer

    def get_queryset(self):
        return invoice_queryset()

    def input_serializer_for(self, action):
        return OrderInvoiceInputSerializer

    @extend_schema(
        operation_id="sales_orders_invoice_create",
        summary="Create a draft invoice for an order",
        description="Basis `order` bills everything left (undelivered quantity is delivered when the invoice is "
        "posted); basis `packing_slips` bills what posted packing slips delivered and no invoice billed yet.",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Sales order id")],
        request=OrderInvoiceInputSerializer,
        responses={201: InvoiceSerializer},
    )
    def post(self, request, id):
        order = get_object_or_404(order_list(), pk=id)
        serializer = OrderInvoiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = invoice_create_from_order(
            order=order,
            basis=serializer.validated_data["basis"],
            packing_slips=serializer.validated_data.get("packing_slips"),
            by=request.user,
        )
        fresh = self.get_queryset().get(pk=invoice.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("invoices", InvoiceViewSet, basename="invoice")
    # Invoicing an order is an action on the order; the sales app does not know invoices, so the route is here.
    extra_urlpatterns.append(
        re_path(r"^sales-orders/(?P<id>[^/.]+)/invoice/$", OrderInvoiceView.as_view(), name="salesorder-invoice")
    )
