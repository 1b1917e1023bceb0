"""API for backorders: the lines waiting for stock by item, customer and vendor, rescheduling them (the customers
are emailed), and the manager's split of an item's on-hand between the orders waiting for it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.schema import ServiceAutoSchema
from salesapp.models import Item, SalesOrder
from salesapp.selectors import backorders as selectors
from salesapp.services.reservations import reservations_split

QTY = {"max_digits": 18, "decimal_places": 3}


class BackorderFilterSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False, help_text="Item id")
    customer = serializers.IntegerField(required=False, help_text="Customer id")
    vendor = serializers.IntegerField(required=False, help_text="Vendor party id")
    late = serializers.BooleanField(required=False, default=False, help_text="Late lines (or late supply) only")
    sort = serializers.CharField(required=False, allow_blank=True, help_text="A column key, '-' for descending")

    def filters(self) -> dict:
        data = self.validated_data
        return {
            "item_id": data.get("item"),
            "customer_id": data.get("customer"),
            "vendor_id": data.get("vendor"),
            "late_only": data["late"],
            "ordering": data.get("sort", ""),
        }


class SupplyDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    quantity = serializers.DecimalField(**QTY)


class ItemRowSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    number = serializers.CharField(source="item__number")
    name = serializers.CharField(source="item__name")
    unit = serializers.CharField(source="item__unit")
    demand = serializers.DecimalField(**QTY)
    on_hand = serializers.DecimalField(source="item__on_hand", **QTY)
    reserved = serializers.DecimalField(source="item__reserved", **QTY)
    free = serializers.DecimalField(**QTY)
    supply = serializers.DecimalField(**QTY)
    supply_by_date = SupplyDateSerializer(many=True)
    shortfall = serializers.DecimalField(**QTY)
    orders = serializers.IntegerField()
    late_lines = serializers.IntegerField()


class LineRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField(source="order_id")
    order_number = serializers.CharField(source="order.number")
    line_no = serializers.IntegerField()
    customer = serializers.IntegerField(source="order.customer_id")
    customer_name = serializers.CharField(source="order.customer.party.name")
    item = serializers.IntegerField(source="item_id")
    item_number = serializers.CharField(source="item.number")
    due = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    remainder = serializers.DecimalField(**QTY)
    reserved = serializers.DecimalField(source="qty_reserved", **QTY)
    atp_date = serializers.DateField(source="atp", allow_null=True)


class VendorSupplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    item = serializers.IntegerField(source="item_id")
    expected_date = serializers.DateField()
    outstanding = serializers.DecimalField(**QTY)
    late = serializers.BooleanField()


class VendorLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    line_no = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    remainder = serializers.DecimalField(**QTY)


class VendorRowSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(source="vendor_id")
    name = serializers.CharField(source="vendor__name")
    open_lines = serializers.IntegerField()
    late_lines = serializers.IntegerField()
    outstanding = serializers.DecimalField(**QTY)
    late_outstanding = serializers.DecimalField(**QTY)
    earliest = serializers.DateField()
    waiting = serializers.IntegerField()
    supply = VendorSupplySerializer(many=True, source="detail.supply")
    waiting_lines = VendorLineSerializer(many=True, source="detail.lines")


class SplitInputSerializer(serializers.Serializer):
    lines = serializers.DictField(
        child=serializers.DecimalField(**QTY), help_text="Order line id → quantity it keeps reserved"
    )


class SplitResultSerializer(serializers.Serializer):
    lines = serializers.DictField(child=serializers.DecimalField(**QTY))


class BackorderPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _BackorderList(KnownFieldsOnly, GenericAPIView):
    # Reading backorders needs the right to read sales orders (the model permission of this queryset).
    schema = ServiceAutoSchema()
    pagination_class = BackorderPagination
    filter_backends: list = []

    def get_queryset(self):
        return SalesOrder.objects.all()

    def input_serializer_for(self, action):
        return None

    def rows(self, filters: dict):
        raise NotImplementedError

    def add(self, page: list) -> list:
        return page

    def get(self, request):
        query = BackorderFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(self.rows(query.filters()))
        return self.get_paginated_response(self.get_serializer(self.add(list(page)), many=True).data)


class BackordersByItemView(_BackorderList):
    serializer_class = ItemRowSerializer

    @extend_schema(
        operation_id="backorders_by_item",
        responses=ItemRowSerializer(many=True),
        summary="Backorders per item",
        parameters=[BackorderFilterSerializer],
    )
    def get(self, request):
        return super().get(request)

    def rows(self, filters):
        return selectors.backorders_by_item(**filters)

    def add(self, page):
        supply = selectors.supply_by_date([row["item_id"] for row in page])
        for row in page:
            row["supply_by_date"] = [{"date": date, "quantity": qty} for date, qty in supply.get(row["item_id"], [])]
        return page


class BackordersByCustomerView(_BackorderList):
    serializer_class = LineRowSerializer

    @extend_schema(
        operation_id="backorders_by_customer",
        responses=LineRowSerializer(many=True),
        summary="Backorder lines, late ones first, with their ATP dates",
        parameters=[BackorderFilterSerializer],
    )
    def get(self, request):
        return super().get(request)

    def rows(self, filters):
        return selectors.backorders_by_customer(**filters)

    def add(self, page):
        return selectors.lines_with_atp(page)


class BackordersByVendorView(_BackorderList):
    serializer_class = VendorRowSerializer

    @extend_schema(
        operation_id="backorders_by_vendor",
        responses=VendorRowSerializer(many=True),
        summary="Open inbound supply per vendor, late supply, and the order lines waiting on it",
        parameters=[BackorderFilterSerializer],
    )
    def get(self, request):
        return super().get(request)

    def rows(self, filters):
        return selectors.backorders_by_vendor(**filters)

    def add(self, page):
        details = selectors.vendor_rows_detail([row["vendor_id"] for row in page])
        for row in page:
            row["detail"] = details[row["vendor_id"]]
        return page


class _BackorderAction(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    # The service checks the permission (change orders; re-allocate stock).
    schema = ServiceAutoSchema()
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return SalesOrder.objects.all()


class BackorderSplitView(_BackorderAction):
    serializer_class = SplitResultSerializer

    def input_serializer_for(self, action):
        return SplitInputSerializer

    @extend_schema(
        operation_id="backorders_split",
        summary="Split an item's on-hand between the orders waiting for it (sales managers)",
        request=SplitInputSerializer,
        responses={200: SplitResultSerializer},
    )
    def post(self, request, item_id: int):
        item = get_object_or_404(Item, pk=item_id)
        body = SplitInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kept = reservations_split(item=item, quantities=body.validated_data["lines"], by=request.user)
        return Response(SplitResultSerializer({"lines": {str(pk): qty for pk, qty in kept.items()}}).data)


def register(router, extra_urlpatterns: list) -> None:
    extra_urlpatterns.extend(
        [
            path("backorders/by-item/", BackordersByItemView.as_view(), name="backorders-by-item"),
            path("backorders/by-item/<int:item_id>/split/", BackorderSplitView.as_view(), name="backorders-split"),
            path("backorders/by-customer/", BackordersByCustomerView.as_view(), name="backorders-by-customer"),
            path("backorders/by-vendor/", BackordersByVendorView.as_view(), name="backorders-by-vendor"),
        ]
    )
