"""API for packing slips: create from an order's remainders, and post."""

from __future__ import annotations

import re

import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.input import errors_by_request_index
from core.api.renderers import PdfRenderer
from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from core.pdf import pdf_response
from salesapp.api.packing_slip_serializers import (
    PackingSlipCancelInputSerializer,
    PackingSlipInputSerializer,
    PackingSlipSerializer,
    ShippingNoticeInputSerializer,
    ShippingNoticeSerializer,
)
from salesapp.choices import PackingSlipState
from salesapp.documents import delivery_note_pdf
from salesapp.models import PackingSlip, PackingSlipLine, SalesOrder
from salesapp.selectors.packing_slips import packing_slip_list
from salesapp.services.packing_slips import packing_slip_cancel, packing_slip_create, packing_slip_post
from salesapp.services.shipping_notices import shipping_notice_send


class PackingSlipFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=PackingSlipState.choices)
    order = django_filters.NumberFilter(field_name="order_id", help_text="Sales order id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = PackingSlip
        fields = ["state", "order", "number"]


def errors_by_input_index(exc: ValidationFailed, *, order: SalesOrder, line_ids: list[int]) -> ValidationFailed:
    """The order's services name a bad quantity by order line number (``lines[<line_no>].quantity``) and an
    unknown line by its id (``lines[<id>]``); an integrator needs the index in the list it sent."""
    id_of_line_no = dict(order.lines.values_list("line_no", "pk"))
    by_id = {}
    for field, message in exc.field_errors.items():
        match = re.fullmatch(r"lines\[(\d+)\](\..+)", field)
        if match and int(match[1]) in id_of_line_no:
            field = f"lines[{id_of_line_no[int(match[1])]}]{match[2]}"
        by_id[field] = message
    return errors_by_request_index(ValidationFailed(code=exc.code, field_errors=by_id), line_ids, id_field="order_line")


class PackingSlipViewSet(ServiceViewSet):
    """Deliveries of an order. A draft has no number; posting numbers it and books the delivered quantities."""

    serializer_class = PackingSlipSerializer
    input_serializers = {
        "create": PackingSlipInputSerializer,
        "cancel": PackingSlipCancelInputSerializer,
        "shipping_notice": ShippingNoticeInputSerializer,
    }
    change_actions = ("post_slip", "cancel", "shipping_notice")
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
        dispositions = {line["order_line"]: line.get("disposition", "") for line in lines or ()}
        try:
            slip = packing_slip_create(
                order=order,
                quantities=quantities,
                ship_date=data.get("ship_date"),
                dispositions=dispositions,
                by=request.user,
            )
        except ValidationFailed as exc:
            if lines is None:
                raise
            raise errors_by_input_index(exc, order=order, line_ids=list(quantities)) from exc
        return self.respond(slip, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PackingSlipSerializer, summary="Post a draft packing slip")
    # Not named ``post``: a viewset attribute of that name would answer every POST to the resource.
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_slip(self, request, pk=None):
        slip = packing_slip_post(packing_slip=self.get_object(), by=request.user)
        return self.respond(slip)

    @extend_schema(
        summary="Cancel a posted packing slip that is not invoiced",
        description=(
            "Reverses the slip's stock moves and gives its quantities back to the order lines (a delivered order "
            "is confirmed again; a return receipt's goods leave the shelf again). Refused (409) once any of it is "
            "invoiced, or when the goods a return receipt restocked have left again."
        ),
        responses=PackingSlipSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reason = self.validated_input()["reason"]
        return self.respond(packing_slip_cancel(packing_slip=self.get_object(), reason=reason, by=request.user))

    @extend_schema(
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
        summary="The delivery note of a posted packing slip as PDF (a return receipt for a returned order)",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        content, filename = delivery_note_pdf(self.get_object())
        return pdf_response(content, filename)

    @extend_schema(
        request=ShippingNoticeInputSerializer,
        responses={202: ShippingNoticeSerializer},
        summary="Email the shipping notice of a posted delivery (again), with its delivery note attached",
        description="Posting a delivery already queues one to the customer's email address; this sends another.",
    )
    @action(detail=True, methods=["post"], url_path="shipping-notice", url_name="shipping-notice")
    def shipping_notice(self, request, pk=None):
        to = self.validated_input().get("to", "")
        notice = shipping_notice_send(packing_slip=self.get_object(), to=to, by=request.user)
        return Response(ShippingNoticeSerializer(notice).data, status=status.HTTP_202_ACCEPTED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("packing-slips", PackingSlipViewSet, basename="packingslip")
