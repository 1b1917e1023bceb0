"""API for inbound supply: the lines vendors are to deliver, their receipt into stock, and a CSV import."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from salesapp.api.supply_serializers import (
    InboundSupplyLineInputSerializer,
    InboundSupplyLineSerializer,
    InboundSupplyLineUpdateInputSerializer,
    SupplyImportInputSerializer,
    SupplyReceiveInputSerializer,
)
from salesapp.choices import SupplyState
from salesapp.models import InboundSupplyLine
from salesapp.selectors.supply import supply_list
from salesapp.services import supply as services
from salesapp.services.line_supply import supply_receive
from salesapp.services.supply_import import supply_lines_import


class InboundSupplyFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=SupplyState.choices)
    vendor = django_filters.NumberFilter(field_name="vendor_id", help_text="Vendor (party) id")
    item = django_filters.NumberFilter(field_name="item_id", help_text="Item id")
    expected_before = django_filters.DateFilter(
        field_name="expected_date", lookup_expr="lte", help_text="Expected on or before this date"
    )
    expected_after = django_filters.DateFilter(
        field_name="expected_date", lookup_expr="gte", help_text="Expected on or after this date"
    )

    class Meta:
        model = InboundSupplyLine
        fields = ["state", "vendor", "item", "expected_before", "expected_after"]


class InboundSupplyViewSet(ServiceViewSet):
    """Inbound supply: open purchase lines from vendors (vendor party, stocked item, quantity, expected date).
    Receiving books a supply receipt stock move and gives the goods to the orders waiting for the item, first in
    line first; a line is received when all of it came. Canceling a line part of which came in short-closes it
    at what came in. Lines bought for one order line (drop shipment, special order) are not received here."""

    serializer_class = InboundSupplyLineSerializer
    input_serializers = {
        "create": InboundSupplyLineInputSerializer,
        "partial_update": InboundSupplyLineUpdateInputSerializer,
        "receive": SupplyReceiveInputSerializer,
        "import_csv": SupplyImportInputSerializer,
    }
    change_actions = ("receive", "cancel")
    filterset_class = InboundSupplyFilter
    search_fields = ["number", "reference"]

    def get_queryset(self):
        return supply_list()

    def create(self, request):
        line = services.supply_line_create(by=request.user, **self.validated_input())
        return self.respond(line, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=InboundSupplyLineUpdateInputSerializer,
        responses=InboundSupplyLineSerializer,
        summary="Change an open line",
    )
    def partial_update(self, request, pk=None):
        line = services.supply_line_update(
            supply_line=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(line)

    @extend_schema(
        request=SupplyReceiveInputSerializer,
        responses=InboundSupplyLineSerializer,
        summary="Receive goods of an open line into stock",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        line = supply_receive(supply_line=self.get_object(), by=request.user, **self.validated_input())
        return self.respond(line)

    @extend_schema(
        request=None,
        responses=InboundSupplyLineSerializer,
        summary="Cancel an open line (short-closed at what came in, if any did)",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.respond(services.supply_line_cancel(supply_line=self.get_object(), by=request.user))

    @extend_schema(
        request={"multipart/form-data": SupplyImportInputSerializer},
        responses={
            201: InboundSupplyLineSerializer(many=True),
            400: OpenApiResponse(
                description="Nothing was imported: `errors` lists every wrong line of the file, each naming its "
                "line (the header is line 1) and column, such as \"line 4: item: 'X' does not exist.\"."
            ),
        },
        summary="Import supply lines from a CSV file (all or nothing)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_csv(self, request):
        lines = supply_lines_import(file=self.validated_input()["file"], by=request.user)
        fresh = self.get_queryset().filter(pk__in=[line.pk for line in lines]).order_by("id")
        return Response(InboundSupplyLineSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("inbound-supply", InboundSupplyViewSet, basename="inbound-supply")
