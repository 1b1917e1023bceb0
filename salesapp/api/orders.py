"""API for sales orders: create, read, and the confirm, approve, reject, cancel, hold and release-hold actions."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from salesapp.api.document_serializers import with_customer_codes, with_line_codes
from salesapp.api.order_serializers import (
    OrderCancelInputSerializer,
    OrderDecisionInputSerializer,
    OrderHoldInputSerializer,
    SalesOrderInputSerializer,
    SalesOrderSerializer,
    SalesOrderUpdateInputSerializer,
)
from salesapp.choices import OrderState
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.selectors.orders import order_list
from salesapp.services.approvals import order_approve, order_reject
from salesapp.services.opportunity_orders import order_create_attributed
from salesapp.services.orders import (
    OrderLineInput,
    order_cancel,
    order_confirm,
    order_hold,
    order_release_hold,
    order_update,
)


class SalesOrderFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=OrderState.choices)
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SalesOrder
        fields = ["state", "customer", "number"]


class SalesOrderViewSet(ServiceViewSet):
    """Sales orders with their lines. State changes only through the action endpoints; each line shows
    its quantity ledger (delivered, invoiced and what remains)."""

    serializer_class = SalesOrderSerializer
    input_serializers = {
        "create": SalesOrderInputSerializer,
        "partial_update": SalesOrderUpdateInputSerializer,
        "cancel": OrderCancelInputSerializer,
        "approve": OrderDecisionInputSerializer,
        "reject": OrderDecisionInputSerializer,
        "hold": OrderHoldInputSerializer,
    }
    change_actions = ("confirm", "cancel", "approve", "reject", "hold", "release_hold")
    filterset_class = SalesOrderFilter
    search_fields = ["number", "customer__party__name", "customer_reference", "external_document_number"]

    def get_queryset(self):
        return with_customer_codes(order_list()).prefetch_related(
            Prefetch("lines", queryset=with_line_codes(SalesOrderLine.objects.order_by("line_no")))
        )

    def create(self, request):
        data = self.validated_input()
        lines = [OrderLineInput(**line) for line in data.pop("lines")]
        order = order_create_attributed(lines=lines, by=request.user, **data)
        return self.respond(order, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=SalesOrderUpdateInputSerializer,
        responses=SalesOrderSerializer,
        summary="Change the type, requested ship date or references of an open order",
    )
    def partial_update(self, request, pk=None):
        order = order_update(order=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(order)

    @extend_schema(
        request=None,
        responses=SalesOrderSerializer,
        summary="Confirm an open order",
        description="The answer's `state` is `confirmed`, or `pending_approval` when the order is over the "
        "customer's credit limit or above the approval threshold; `approval_reason` then says why, with the "
        "figures. A customer who pays in advance gets the order `on_hold` until a payment covers it.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = order_confirm(order=self.get_object(), by=request.user)
        return self.respond(order)

    @extend_schema(
        request=OrderDecisionInputSerializer,
        responses=SalesOrderSerializer,
        summary="Approve an order waiting for approval (a sales manager other than the requester)",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        comment = self.validated_input()["comment"]
        return self.respond(order_approve(order=self.get_object(), by=request.user, comment=comment))

    @extend_schema(
        request=OrderDecisionInputSerializer,
        responses=SalesOrderSerializer,
        summary="Reject an order waiting for approval, with a comment: it goes back to open",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        comment = self.validated_input()["comment"]
        return self.respond(order_reject(order=self.get_object(), by=request.user, comment=comment))

    @extend_schema(
        request=OrderHoldInputSerializer,
        responses=SalesOrderSerializer,
        summary="Put an order on hold: no packing slips or invoices until released",
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        reason = self.validated_input()["reason"]
        return self.respond(order_hold(order=self.get_object(), reason=reason, by=request.user))

    @extend_schema(request=None, responses=SalesOrderSerializer, summary="Release an order from hold")
    @action(detail=True, methods=["post"], url_path="release-hold")
    def release_hold(self, request, pk=None):
        return self.respond(order_release_hold(order=self.get_object(), by=request.user))

    @extend_schema(
        summary="Cancel an order with nothing delivered",
        responses=SalesOrderSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        order = order_cancel(order=order, reason=self.validated_input()["reason"], by=request.user)
        return self.respond(order)


def register(router, extra_urlpatterns: list) -> None:
    router.register("sales-orders", SalesOrderViewSet, basename="salesorder")
