"""API for receivables: a customer's account figures and the aging of all customers."""

import datetime

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from invoicing.api.invoice_serializers import money_field
from invoicing.selectors.aging import AgingReport
from invoicing.selectors.customer_accounts import customer_figures
from salesapp.models import Customer


class CanViewReceivables(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("invoicing.view_invoice"))


class AccountFiguresSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    currency = serializers.CharField()
    balance = money_field(help_text="Open invoices − open credit notes − payments on account.")
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


class CustomerAccountView(GenericAPIView):
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
    )
    def get(self, request):
        report = AgingReport(as_of=_as_of(request), search=request.query_params.get("search", ""))
        page = self.paginate_queryset(report)
        return self.get_paginated_response(AgingRowSerializer(page, many=True).data)


def register(router, extra_urlpatterns: list) -> None:
    extra_urlpatterns += [
        path("customers/<int:pk>/account/", CustomerAccountView.as_view(), name="customer-account"),
        path("aging/", AgingView.as_view(), name="aging"),
    ]
