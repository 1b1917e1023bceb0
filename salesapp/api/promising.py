"""API for order promising: the first date a quantity of an item is available to promise (one item by GET, up
to an order's worth of lines by POST), as the order pages show it at line entry (DESIGN.md §4.4)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.schema import ServiceAutoSchema
from core.errors import ValidationFailed
from salesapp.api.promising_serializers import (
    AtpBatchInputSerializer,
    AtpBatchSerializer,
    AtpQueryInputSerializer,
    AtpSerializer,
)
from salesapp.models import Item
from salesapp.selectors.promising import Promise, atp_dates


class CanViewItems(BasePermission):
    """A look-up, whatever its method: anyone who may read the items may ask."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("salesapp.view_item"))


def items_resolved(refs: list[str], *, field_of) -> list[Item]:
    """The items named by id or number in ``refs`` (one query); a digits-only reference is an id first, then a
    number. Refused naming ``field_of(index)`` for every reference that names no item."""
    ids = [int(ref) for ref in refs if ref.isdigit()]
    found = list(Item.objects.filter(Q(pk__in=ids) | Q(number__in=refs)))
    by_id = {item.pk: item for item in found}
    by_number = {item.number: item for item in found}
    items, errors = [], {}
    for index, ref in enumerate(refs):
        item = (by_id.get(int(ref)) if ref.isdigit() else None) or by_number.get(ref)
        if item is None:
            errors[field_of(index)] = gettext("No item with id or number “%(ref)s”.") % {"ref": ref}
        items.append(item)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return items


def _answer(item: Item, promise: Promise) -> dict:
    return {
        "item": item.pk,
        "item_number": item.number,
        "quantity": promise.quantity,
        "date": promise.date,
        "promisable": promise.promisable,
        "shortfall": promise.shortfall,
        "unstocked": promise.unstocked,
        "text": promise.text(),
    }


class AtpView(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    # Reading on-hand, orders waiting and inbound supply condensed to one date: open to whoever reads items.

    schema = ServiceAutoSchema()
    serializer_class = AtpSerializer
    permission_classes = [CanViewItems]

    def get_queryset(self):
        return Item.objects.all()

    def input_serializer_for(self, action):
        return AtpBatchInputSerializer

    @extend_schema(
        operation_id="atp_retrieve",
        summary="The first date a quantity of one item is available to promise",
        parameters=[AtpQueryInputSerializer],
        responses={200: AtpSerializer},
    )
    def get(self, request):
        query = AtpQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        [item] = items_resolved([data["item"]], field_of=lambda _index: "item")
        [promise] = atp_dates([(item, data["quantity"])], data.get("from_date"))
        return Response(AtpSerializer(_answer(item, promise)).data)

    @extend_schema(
        operation_id="atp_batch",
        summary="The first dates several lines are available to promise (at most 100 lines)",
        request=AtpBatchInputSerializer,
        responses={200: AtpBatchSerializer},
    )
    def post(self, request):
        body = AtpBatchInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = body.validated_data["lines"]
        items = items_resolved([line["item"] for line in lines], field_of=lambda index: f"lines[{index}].item")
        promises = atp_dates(
            [(item, line["quantity"]) for item, line in zip(items, lines, strict=True)],
            body.validated_data.get("from_date"),
        )
        answers = [_answer(item, promise) for item, promise in zip(items, promises, strict=True)]
        return Response(AtpBatchSerializer({"lines": answers}).data)


def register(router, extra_urlpatterns: list) -> None:
    extra_urlpatterns.append(path("atp/", AtpView.as_view(), name="atp"))
