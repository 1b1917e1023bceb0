"""API for receivables: a customer's account figures and statement (PDF, email), the aging of all customers."""

import datetime

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.renderers import PdfRenderer
from core.api.schema import ServiceAutoSchema
from core.errors import ValidationFailed
from core.pdf import pdf_response
from invoicing.api.invoice_serializers import money_field
from invoicing.documents import customer_statement_pdf
from invoicing.errors import ErrorCode
from invoicing.models import CustomerStatement
from invoicing.selectors.aging import AgingReport
from invoicing.selectors.customer_accounts import customer_figures
from invoicing.selectors.statements import customer_statement, statement_period_errors
from invoicing.services.statements import customer_statement_send
from salesapp.models import Customer


class CanViewReceivables(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("invoicing.view_invoice"))


class AccountFiguresSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    currency = serializers.CharField()
    balance = money_field(help_text="Open invoices − open credit notes − payments on account.")
    company_currency = serializers.CharField()
    balance_company_currency = money_field(
        help_text="The balance in the company currency, as the ledger holds it (documents at the rates they were "
        "booked at, realized exchange differences included)."
    )
    open_invoices = money_field()
    open_credits = money_field()
    unapplied_payments = money_field()
    overdue = money_field()
    sales_this_year = money_field(help_text="Posted invoices net of credit notes, net of tax, by invoice date.")
    sales_last_year = money_field()
    this_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    average_days_to_pay = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, help_text="Over the invoices paid in full; null before."
    )


class AgingRowSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    customer_number = serializers.CharField()
    customer_name = serializers.CharField()
    currency = serializers.CharField()
    current = money_field()
    days_1_30 = money_field()
    days_31_60 = money_field()
    days_61_90 = money_field()
    days_over_90 = money_field()
    total = money_field()
    total_company = money_field(help_text="The total in the company currency, each document at its booked rate.")


class CustomerAccountView(GenericAPIView):
    schema = ServiceAutoSchema()
    queryset = Customer.objects.none()  # the {pk} of the path is a customer's (for the schema)
    permission_classes = [CanViewReceivables]
    serializer_class = AccountFiguresSerializer

    @extend_schema(summary="A customer's account figures: balance, overdue, sales this and last year, days to pay")
    def get(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        figures = customer_figures(customer=customer)
        return Response(
            AccountFiguresSerializer({"customer": customer.pk, "currency": customer.currency, **figures}).data
        )


class AgingPagination(PageNumberPagination):
    # The report is a grouped aggregate ordered by name, not a table with a unique cursor column: numbered pages.
    page_size = 50


def _as_of(request) -> datetime.date:
    raw = request.query_params.get("as_of")
    if not raw:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError({"as_of": f"'{raw}' is not a date (YYYY-MM-DD)."}) from None


class AgingView(GenericAPIView):
    """Open receivables of every customer by days overdue on ``as_of`` (default today), in customer name order."""

    schema = ServiceAutoSchema()
    permission_classes = [CanViewReceivables]
    serializer_class = AgingRowSerializer
    pagination_class = AgingPagination
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", datetime.date, description="The day the buckets are counted on; today if omitted."
            ),
            OpenApiParameter("search", str, description="Customer name or number contains."),
            OpenApiParameter("page", int),
        ],
        summary="Aging of receivables: current, 1–30, 31–60, 61–90, over 90 days overdue",
        responses=AgingRowSerializer(many=True),
    )
    def get(self, request):
        report = AgingReport(as_of=_as_of(request), search=request.query_params.get("search", ""))
        page = self.paginate_queryset(report)
        return self.get_paginated_response(AgingRowSerializer(page, many=True).data)


def _period(data) -> tuple[datetime.date | None, datetime.date | None]:
    """``from`` and ``to`` as dates; a value that is no date is refused naming its field."""
    dates, errors = [], {}
    for name in ("from", "to"):
        raw = data.get(name)
        try:
            dates.append(datetime.date.fromisoformat(raw) if raw else None)
        except (TypeError, ValueError):
            errors[name] = gettext("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": raw}
            dates.append(None)
    errors = errors or statement_period_errors(*dates)
    if errors:
        raise ValidationFailed(code=ErrorCode.STATEMENT_INVALID, field_errors=errors)
    return dates[0], dates[1]


class StatementPdfView(GenericAPIView):
    schema = ServiceAutoSchema()
    queryset = Customer.objects.none()  # the {pk} of the path is a customer's (for the schema)
    permission_classes = [CanViewReceivables]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", datetime.date, required=True, description="First day of the statement."),
            OpenApiParameter("to", datetime.date, required=True, description="Last day of the statement."),
        ],
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
        summary="A customer's statement as PDF: opening balance, documents and payments, closing balance",
    )
    def get(self, request, pk: int):
        customer = get_object_or_404(Customer.objects.select_related("party"), pk=pk)
        date_from, date_to = _period(request.query_params)
        statement = customer_statement(customer=customer, date_from=date_from, date_to=date_to)
        return pdf_response(*customer_statement_pdf(statement))


class StatementEmailInputSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    to = serializers.EmailField(required=False, help_text="Default: the customer's email address.")


class StatementEmailSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerStatement
        fields = ["id", "customer", "date_from", "date_to", "to", "queued_at", "sent_at", "failed_at", "error"]
        read_only_fields = fields


class StatementEmailView(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    """Email a customer's statement with the PDF attached; a job sends it once."""

    schema = ServiceAutoSchema()
    queryset = Customer.objects.none()  # the {pk} of the path is a customer's (for the schema)
    permission_classes = [CanViewReceivables]
    serializer_class = StatementEmailSerializer

    def input_serializer_for(self, action):
        return StatementEmailInputSerializer

    @extend_schema(request=StatementEmailInputSerializer, responses={202: StatementEmailSerializer})
    def post(self, request, pk: int):
        customer = get_object_or_404(Customer.objects.select_related("party"), pk=pk)
        data = StatementEmailInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = customer_statement_send(customer=customer, by=request.user, **data.validated_data)
        return Response(StatementEmailSerializer(statement).data, status=status.HTTP_202_ACCEPTED)


def register(router, extra_urlpatterns: list) -> None:
    extra_urlpatterns += [
        path("customers/<int:pk>/statement.pdf", StatementPdfView.as_view(), name="customer-statement-pdf"),
        path("customers/<int:pk>/statement/email/", StatementEmailView.as_view(), name="customer-statement-email"),
        path("customers/<int:pk>/account/", CustomerAccountView.as_view(), name="customer-account"),
        path("aging/", AgingView.as_view(), name="aging"),
    ]
