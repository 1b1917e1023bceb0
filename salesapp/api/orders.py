"""API for sales orders: create, read, and the confirm, approve, reject, cancel, hold, release-hold, return and
receive actions."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.external_references import (
    EXTERNAL_REFERENCE_ACTIONS,
    EXTERNAL_REFERENCE_FILTER_HELP,
    ExternalReferencesMixin,
    external_reference_filter,
)
from core.api.filters import UpdatedSinceFilterSet
from core.api.renderers import PdfRenderer
from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from core.pdf import pdf_response
from salesapp.api.document_serializers import with_customer_codes, with_line_codes
from salesapp.api.line_supply_serializers import LineSupplyLineSerializer, OrderLineSupplyInputSerializer
from salesapp.api.order_serializers import (
    OrderCancelInputSerializer,
    OrderCloseRemainderInputSerializer,
    OrderConfirmationInputSerializer,
    OrderConfirmationSerializer,
    OrderDecisionInputSerializer,
    OrderHoldInputSerializer,
    OrderLineShipDateInputSerializer,
    OrderReceiveInputSerializer,
    OrderReturnInputSerializer,
    OrderTypeChangeInputSerializer,
    SalesOrderInputSerializer,
    SalesOrderSerializer,
    SalesOrderUpdateInputSerializer,
)
from salesapp.api.packing_slip_serializers import PackingSlipSerializer
from salesapp.api.packing_slips import errors_by_input_index
from salesapp.choices import OrderState
from salesapp.documents import order_confirmation_pdf
from salesapp.models import SalesOrder, SalesOrderLine, SubscriptionPeriod
from salesapp.selectors.order_confirmations import confirmation_list
from salesapp.selectors.orders import order_list
from salesapp.services.approvals import order_approve, order_reject
from salesapp.services.line_supply import order_line_supply_set
from salesapp.services.opportunity_orders import order_create_attributed
from salesapp.services.order_confirmations import order_confirmation_send
from salesapp.services.order_remainders import order_line_remainder_close, order_remainder_close
from salesapp.services.orders import (
    OrderLineInput,
    order_cancel,
    order_confirm,
    order_copy,
    order_hold,
    order_line_ship_date_confirm,
    order_release_hold,
    order_type_change,
    order_update,
)
from salesapp.services.returns import returned_goods_receive, returned_order_create


class SalesOrderFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=OrderState.choices)
    external_reference = django_filters.CharFilter(
        method=external_reference_filter, help_text=EXTERNAL_REFERENCE_FILTER_HELP
    )
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SalesOrder
        fields = ["state", "customer", "number"]


class SalesOrderViewSet(ExternalReferencesMixin, ServiceViewSet):
    """Sales orders with their lines. State changes only through the action endpoints; each line shows
    its quantity ledger (delivered, invoiced and what remains)."""

    serializer_class = SalesOrderSerializer
    input_serializers = {
        "create": SalesOrderInputSerializer,
        "partial_update": SalesOrderUpdateInputSerializer,
        "cancel": OrderCancelInputSerializer,
        "close_remainder": OrderCloseRemainderInputSerializer,
        "confirm_ship_date": OrderLineShipDateInputSerializer,
        "send_confirmation": OrderConfirmationInputSerializer,
        "change_type": OrderTypeChangeInputSerializer,
        "approve": OrderDecisionInputSerializer,
        "reject": OrderDecisionInputSerializer,
        "hold": OrderHoldInputSerializer,
        "return_goods": OrderReturnInputSerializer,
        "receive": OrderReceiveInputSerializer,
        "order_from_vendor": OrderLineSupplyInputSerializer,
    }
    change_actions = (
        "order_from_vendor",
        "confirm",
        "cancel",
        "close_remainder",
        "confirm_ship_date",
        "send_confirmation",
        "copy",
        "change_type",
        "approve",
        "reject",
        "hold",
        "release_hold",
        "return_goods",
        "receive",
        *EXTERNAL_REFERENCE_ACTIONS,
    )
    filterset_class = SalesOrderFilter
    search_fields = ["number", "customer__party__name", "customer_reference", "external_document_number"]

    def get_queryset(self):
        return with_customer_codes(order_list()).prefetch_related(
            Prefetch("lines", queryset=with_line_codes(SalesOrderLine.objects.order_by("line_no"))),
            Prefetch("subscription_periods", queryset=SubscriptionPeriod.objects.order_by("period_start")),
        )

    def create(self, request):
        data = self.validated_input()
        lines = [OrderLineInput(**line) for line in data.pop("lines")]
        order = order_create_attributed(lines=lines, by=request.user, **data)
        return self.respond(order, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=SalesOrderUpdateInputSerializer,
        responses=SalesOrderSerializer,
        summary="Change the type, requested ship date, references or subscription terms of an open order",
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

    @extend_schema(
        summary="Close the undelivered remainder of a confirmed order, or of one of its lines, with a reason",
        description=(
            "Books the remainder as closed short on the line ledger: the order then reaches delivered (and "
            "invoiced) by the ledger rule. Refused (409) for an order that is not confirmed, or with nothing "
            "delivered (cancel it instead)."
        ),
        responses=SalesOrderSerializer,
    )
    @action(detail=True, methods=["post"], url_path="close-remainder")
    def close_remainder(self, request, pk=None):
        order = self.get_object()
        data = self.validated_input()
        if data["line"] is None:
            order = order_remainder_close(order=order, reason=data["reason"], by=request.user)
        else:
            line = self._line(order, data["line"])
            order = order_line_remainder_close(order_line=line, reason=data["reason"], by=request.user)
        return self.respond(order)

    @extend_schema(
        summary="Promise a ship date for a line still to deliver (null withdraws it)",
        responses=SalesOrderSerializer,
    )
    @action(detail=True, methods=["post"], url_path="confirm-ship-date")
    def confirm_ship_date(self, request, pk=None):
        order = self.get_object()
        data = self.validated_input()
        order_line_ship_date_confirm(
            order_line=self._line(order, data["line"]),
            confirmed_ship_date=data["confirmed_ship_date"],
            by=request.user,
        )
        return self.respond(order)

    @extend_schema(
        summary="Order a confirmed line from a vendor: a drop shipment or a special order",
        description=(
            "The line gives back its reservation and gets its own inbound supply line for its deliver remainder. "
            "Receiving that line delivers to the customer (drop shipment) or reserves the goods for the line "
            "(special order). Refused (409) unless the order is confirmed and the line ships a stocked item with "
            "nothing delivered yet."
        ),
        responses={201: LineSupplyLineSerializer},
    )
    @action(detail=True, methods=["post"], url_path="order-from-vendor")
    def order_from_vendor(self, request, pk=None):
        order = self.get_object()
        data = self.validated_input()
        supply = order_line_supply_set(
            order_line=self._line(order, data["line"]),
            supply=data["supply"],
            vendor=data["vendor"],
            expected_date=data["expected_date"],
            reference=data["reference"],
            by=request.user,
        )
        return Response(LineSupplyLineSerializer(supply).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OrderConfirmationInputSerializer,
        responses={202: OrderConfirmationSerializer},
        summary="Email the order confirmation with its PDF (queued: its status says when it went)",
        description="Sent again after the order changed, it is a revised confirmation with the next version.",
    )
    @action(detail=True, methods=["post"], url_path="send-confirmation")
    def send_confirmation(self, request, pk=None):
        data = self.validated_input()
        confirmation = order_confirmation_send(order=self.get_object(), to=data["to"], by=request.user)
        return Response(OrderConfirmationSerializer(confirmation).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=OrderConfirmationSerializer(many=True), summary="The confirmations sent, newest first")
    @action(detail=True, methods=["get"])
    def confirmations(self, request, pk=None):
        return Response(OrderConfirmationSerializer(confirmation_list(self.get_object()), many=True).data)

    @extend_schema(
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
        summary="The order confirmation as PDF, as the order stands now",
    )
    @action(detail=True, methods=["get"], url_path="confirmation-pdf", renderer_classes=[JSONRenderer, PdfRenderer])
    def confirmation_pdf(self, request, pk=None):
        content, filename = order_confirmation_pdf(self.get_object())
        return pdf_response(content, filename)

    @extend_schema(
        request=None,
        responses={201: SalesOrderSerializer},
        summary="Copy into a new open order (every check runs again; engine prices are today's)",
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        return self.respond(order_copy(order=self.get_object(), by=request.user), status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the order type of an open or confirmed order",
        description=(
            "Refused (409, code order-type-not-changeable) for an item requirement with deliveries, for a type "
            "whose deliveries move stock differently once something was delivered, and for a type that is never "
            "confirmed (journal) on a confirmed order."
        ),
        responses=SalesOrderSerializer,
    )
    @action(detail=True, methods=["post"], url_path="change-type")
    def change_type(self, request, pk=None):
        data = self.validated_input()
        return self.respond(order_type_change(order=self.get_object(), order_type=data["order_type"], by=request.user))

    @extend_schema(
        request=OrderReturnInputSerializer,
        responses={201: SalesOrderSerializer},
        summary="Enter a returned order (with its RMA number) for delivered lines of this order",
        description=(
            "The new returned order is open; its lines name the lines that come back and take their prices. "
            "Refused (400) for more than was delivered and is not already being returned; errors name the "
            "index of the line in the request (`lines[0].quantity`)."
        ),
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_goods(self, request, pk=None):
        order = self.get_object()
        data = self.validated_input()
        quantities = {line["order_line"]: line["quantity"] for line in data["lines"]}
        try:
            returned = returned_order_create(
                order=order, quantities=quantities, return_reason=data["return_reason"], by=request.user
            )
        except ValidationFailed as exc:
            raise errors_by_input_index(exc, order=order, line_ids=list(quantities)) from exc
        return self.respond(returned, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=OrderReceiveInputSerializer,
        responses={201: PackingSlipSerializer},
        summary="Receive goods on a confirmed returned order: a return receipt, created and posted",
        description=(
            "Each line says what happens to the goods (`disposition`: back_to_stock, scrap). The lines the "
            "returned order names are booked as returned on the customer's original order."
        ),
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        order = self.get_object()
        data = self.validated_input()
        lines = data.get("lines")
        quantities = None if lines is None else {line["order_line"]: line["quantity"] for line in lines}
        try:
            receipt = returned_goods_receive(
                order=order,
                quantities=quantities,
                dispositions={line["order_line"]: line.get("disposition", "") for line in lines or ()},
                receipt_date=data["receipt_date"],
                by=request.user,
            )
        except ValidationFailed as exc:
            if lines is None:
                raise
            raise errors_by_input_index(exc, order=order, line_ids=list(quantities)) from exc
        return Response(PackingSlipSerializer(receipt).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _line(order: SalesOrder, line_id: int) -> SalesOrderLine:
        line = SalesOrderLine.objects.filter(order=order, pk=line_id).first()
        if line is None:
            raise ValidationFailed(
                field_errors={
                    "line": gettext("Order %(number)s has no line with id %(id)s.")
                    % {"number": order.number, "id": line_id}
                }
            )
        return line


def register(router, extra_urlpatterns: list) -> None:
    router.register("sales-orders", SalesOrderViewSet, basename="salesorder")
