from __future__ import annotations

import re

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from salesapp.api.filters import CustomerFilter, ItemFilter, PackingSlipFilter, SalesOrderFilter
from salesapp.api.serializers import (
    CustomerCreateInputSerializer,
    CustomerSerializer,
    CustomerUpdateInputSerializer,
    ItemInputSerializer,
    ItemSerializer,
    OrderCancelInputSerializer,
    PackingSlipInputSerializer,
    PackingSlipSerializer,
    SalesOrderInputSerializer,
    SalesOrderSerializer,
)
from salesapp.models import PackingSlipLine, SalesOrder, SalesOrderLine
from salesapp.selectors import customer_list, item_list, order_list, packing_slip_list
from salesapp.services.customers import customer_create, customer_update
from salesapp.services.items import item_create, item_update
from salesapp.services.opportunity_orders import order_create_attributed
from salesapp.services.orders import OrderLineInput, order_cancel, order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post


class CustomerViewSet(ServiceViewSet):
    """Customer accounts. Create one on an existing party; the number is assigned."""

    serializer_class = CustomerSerializer
    input_serializers = {"create": CustomerCreateInputSerializer, "partial_update": CustomerUpdateInputSerializer}
    filterset_class = CustomerFilter
    search_fields = ["number", "party__name", "party__city", "party__email"]

    def get_queryset(self):
        return customer_list()

    def create(self, request):
        customer = customer_create(by=request.user, **self.validated_input())
        return self.respond(customer, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        customer = customer_update(customer=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(customer)


class ItemViewSet(ServiceViewSet):
    """Products and services that can be sold."""

    serializer_class = ItemSerializer
    input_serializers = {"create": ItemInputSerializer, "partial_update": ItemInputSerializer}
    filterset_class = ItemFilter
    search_fields = ["number", "name"]

    def get_queryset(self):
        return item_list()

    def create(self, request):
        item = item_create(by=request.user, **self.validated_input())
        return self.respond(item, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        item = item_update(item=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(item)


class SalesOrderViewSet(ServiceViewSet):
    """Sales orders with their lines. State changes only through the action endpoints; each line shows
    its quantity ledger (delivered, invoiced and what remains)."""

    serializer_class = SalesOrderSerializer
    input_serializers = {"create": SalesOrderInputSerializer, "cancel": OrderCancelInputSerializer}
    change_actions = ("confirm", "cancel")
    filterset_class = SalesOrderFilter
    search_fields = ["number", "customer__party__name", "customer_reference", "external_document_number"]

    def get_queryset(self):
        return order_list().prefetch_related(
            Prefetch("lines", queryset=SalesOrderLine.objects.select_related("item", "tax_code").order_by("line_no"))
        )

    def create(self, request):
        data = self.validated_input()
        lines = [OrderLineInput(**line) for line in data.pop("lines")]
        order = order_create_attributed(lines=lines, by=request.user, **data)
        return self.respond(order, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SalesOrderSerializer, summary="Confirm an open order")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = order_confirm(order=self.get_object(), by=request.user)
        return self.respond(order)

    @extend_schema(
        summary="Cancel an order with nothing delivered",
        responses=SalesOrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        order = order_cancel(order=order, reason=self.validated_input()["reason"], by=request.user)
        return self.respond(order)


def _errors_by_input_index(exc: ValidationFailed, *, order: SalesOrder, line_ids: list[int]) -> ValidationFailed:
    """The slip service names a bad quantity by order line number (``lines[<line_no>].quantity``) and an
    unknown line by its id (``lines[<id>]``); an integrator needs the index in the list it sent."""
    index_of = {line_id: index for index, line_id in enumerate(line_ids)}
    id_of_line_no = dict(order.lines.values_list("line_no", "pk"))
    fields = {}
    for field, message in exc.field_errors.items():
        match = re.fullmatch(r"lines\[(\d+)\](\..+)?", field)
        if match:
            key, attribute = int(match[1]), match[2]
            line_id = id_of_line_no.get(key) if attribute else key
            if line_id in index_of:
                field = f"lines[{index_of[line_id]}]{attribute or '.order_line'}"
        fields[field] = message
    return ValidationFailed(code=exc.code, field_errors=fields)


class PackingSlipViewSet(ServiceViewSet):
    """Deliveries of an order. A draft has no number; posting numbers it and books the delivered quantities."""

    serializer_class = PackingSlipSerializer
    input_serializers = {"create": PackingSlipInputSerializer}
    change_actions = ("post_slip",)
    filterset_class = PackingSlipFilter
    search_fields = ["number", "order__number", "order__customer__party__name"]

    def get_queryset(self):
        return packing_slip_list().prefetch_related(
            Prefetch("lines", queryset=PackingSlipLine.objects.select_related("order_line__item"))
        )

    def create(self, request):
        data = self.validated_input()
        order = data["order"]
        lines = data.get("lines")
        quantities = None if lines is None else {line["order_line"]: line["quantity"] for line in lines}
        try:
            slip = packing_slip_create(
                order=order, quantities=quantities, ship_date=data.get("ship_date"), by=request.user
            )
        except ValidationFailed as exc:
            if lines is None:
                raise
            raise _errors_by_input_index(exc, order=order, line_ids=list(quantities)) from exc
        return self.respond(slip, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PackingSlipSerializer, summary="Post a draft packing slip")
    # Not named ``post``: a viewset attribute of that name would answer every POST to the resource.
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_slip(self, request, pk=None):
        slip = packing_slip_post(packing_slip=self.get_object(), by=request.user)
        return self.respond(slip)
