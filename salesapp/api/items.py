"""API for items."""

from __future__ import annotations

import django_filters
from rest_framework import status

from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from salesapp.api.item_serializers import ItemInputSerializer, ItemSerializer
from salesapp.choices import ItemType
from salesapp.models import Item
from salesapp.selectors.items import item_list
from salesapp.services.items import item_create, item_update


class ItemFilter(UpdatedSinceFilterSet):
    item_type = django_filters.ChoiceFilter(choices=ItemType.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Item
        fields = ["item_type", "active"]


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


def register(router, extra_urlpatterns: list) -> None:
    router.register("items", ItemViewSet, basename="item")
