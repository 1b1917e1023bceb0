"""API for items, and each item's stock: its figures, open supply and moves, and a manager's adjustment."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.pagination import DefaultCursorPagination
from core.api.viewsets import ServiceViewSet
from salesapp.api.item_serializers import ItemInputSerializer, ItemSerializer
from salesapp.api.supply_serializers import (
    ItemStockSerializer,
    StockAdjustmentInputSerializer,
    StockMoveSerializer,
)
from salesapp.choices import ItemType
from salesapp.models import Item
from salesapp.selectors.items import item_list
from salesapp.selectors.supply import item_moves, item_open_supply
from salesapp.services.items import item_create, item_update
from salesapp.services.stock import stock_adjust


class ItemFilter(UpdatedSinceFilterSet):
    item_type = django_filters.ChoiceFilter(choices=ItemType.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Item
        fields = ["item_type", "active"]


class MovesPagination(DefaultCursorPagination):
    page_size = 20


ITEM_STOCK_RESPONSE = inline_serializer(
    name="ItemStockWithMoves",
    fields={
        "stock": ItemStockSerializer(),
        "moves": inline_serializer(
            name="StockMovePage",
            fields={
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": StockMoveSerializer(many=True),
            },
        ),
    },
)


class ItemViewSet(ServiceViewSet):
    """Products and services that can be sold. A stocked item shows its stock: on hand, reserved (promised to
    confirmed order lines) and free; ``stock/`` adds the supply still to come and the moves, latest first."""

    serializer_class = ItemSerializer
    input_serializers = {
        "create": ItemInputSerializer,
        "partial_update": ItemInputSerializer,
        "stock_adjustments": StockAdjustmentInputSerializer,
    }
    filterset_class = ItemFilter
    search_fields = ["number", "name"]

    def get_permissions(self):
        # Reading the item is checked here; adjusting its stock is the manager's permission, checked by the
        # service (salesapp.add_stockmove), not the permission to change the item's master data.
        if self.action == "stock_adjustments":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        return item_list()

    def create(self, request):
        item = item_create(by=request.user, **self.validated_input())
        return self.respond(item, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        item = item_update(item=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(item)

    @extend_schema(
        responses=ITEM_STOCK_RESPONSE,
        summary="On hand, reserved, free, open supply and the moves (20 a page, latest first)",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def stock(self, request, pk=None):
        item = self.get_object()
        item.open_supply = list(item_open_supply(item))
        paginator = MovesPagination()
        moves = paginator.paginate_queryset(item_moves(item), request, view=self)
        return Response(
            {
                "stock": ItemStockSerializer(item).data,
                "moves": {
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "results": StockMoveSerializer(moves, many=True).data,
                },
            },
        )

    @extend_schema(
        request=StockAdjustmentInputSerializer,
        responses={201: StockMoveSerializer},
        summary="Adjust on hand with a reason (a manager's count, damage, opening stock)",
    )
    @action(detail=True, methods=["post"], url_path="stock-adjustments", filter_backends=[], pagination_class=None)
    def stock_adjustments(self, request, pk=None):
        if not request.user.has_perm("salesapp.view_item"):
            self.permission_denied(request)
        item = self.get_object()
        move = stock_adjust(item=item, by=request.user, **self.validated_input())
        return Response(StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("items", ItemViewSet, basename="item")
