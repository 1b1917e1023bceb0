"""API for up-sell and cross-sell: the rules (CRUD), the suggestions for a line, accepting one on an order or a
draft quotation and undoing it, and the standard line sets (CRUD with their lines) inserted into an order or a
draft quotation."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.db.models import Prefetch
from django.urls import re_path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.schema import ServiceAutoSchema
from core.api.viewsets import ServiceViewSet
from salesapp.api.order_serializers import SalesOrderSerializer
from salesapp.api.orders import SalesOrderViewSet
from salesapp.api.quotation_serializers import QuotationSerializer
from salesapp.api.quotations import QuotationViewSet
from salesapp.api.suggestion_serializers import (
    InsertStandardLinesInputSerializer,
    ProductRelationInputSerializer,
    ProductRelationSerializer,
    QuotationSuggestionAcceptedSerializer,
    QuotationSuggestionAcceptInputSerializer,
    StandardLineSetInputSerializer,
    StandardLineSetSerializer,
    SuggestionAcceptedSerializer,
    SuggestionAcceptInputSerializer,
    SuggestionEventSerializer,
    SuggestionQuerySerializer,
    SuggestionSerializer,
)
from salesapp.choices import RelationKind, SuggestionEventKind
from salesapp.models import ProductRelation, StandardLine, StandardLineSet, SuggestionEvent
from salesapp.selectors.pricing import Price, company_currency, prices_for
from salesapp.selectors.suggestions import product_relation_list, suggestions_for
from salesapp.services.standard_lines import (
    StandardLineInput,
    quotation_standard_lines_insert,
    standard_line_set_create,
    standard_line_set_delete,
    standard_line_set_update,
    standard_lines_insert,
)
from salesapp.services.suggestions import (
    product_relation_create,
    product_relation_delete,
    product_relation_update,
    quotation_suggestion_accept,
    suggestion_accept,
    suggestion_undo,
)

ORDER_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Sales order id")
QUOTATION_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Quotation id")


class ProductRelationFilter(UpdatedSinceFilterSet):
    item = django_filters.NumberFilter(field_name="item_id", help_text="Item id")
    kind = django_filters.ChoiceFilter(choices=RelationKind.choices)
    active = django_filters.BooleanFilter()
    price_group = django_filters.NumberFilter(field_name="price_group_id", help_text="Customer price group id")

    class Meta:
        model = ProductRelation
        fields = ["item", "kind", "active", "price_group"]


class ProductRelationViewSet(ServiceViewSet):
    """Up-sell (replace the item) and cross-sell (add a line) rules. A rule that made suggestions cannot be
    deleted (409, code relation-in-use): deactivate it instead."""

    serializer_class = ProductRelationSerializer
    input_serializers = {"create": ProductRelationInputSerializer, "partial_update": ProductRelationInputSerializer}
    filterset_class = ProductRelationFilter
    search_fields = ["item__number", "suggested_item__number", "pitch"]

    def get_queryset(self):
        return product_relation_list()

    def create(self, request):
        relation = product_relation_create(by=request.user, **self.validated_input())
        return self.respond(relation, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        relation = product_relation_update(
            relation=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(relation)

    @extend_schema(responses={204: None}, summary="Delete a rule that never made a suggestion")
    def destroy(self, request, pk=None):
        product_relation_delete(relation=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@dataclass(frozen=True)
class PricedSuggestion:
    relation: ProductRelation
    price: Price


class SuggestionsView(GenericAPIView):
    """The suggestions for a line of ``quantity`` ``item`` for ``customer``: best first, at most three, each with
    the suggested item's price for that customer."""

    schema = ServiceAutoSchema()
    serializer_class = SuggestionSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return ProductRelation.objects.all()

    @extend_schema(parameters=[SuggestionQuerySerializer], responses=SuggestionSerializer(many=True))
    def get(self, request):
        query = SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        customer = data.get("customer")
        date = data.get("date") or timezone.localdate()
        currency = data.get("currency") or (customer.currency if customer else company_currency())
        rules = suggestions_for(customer=customer, item=data["item"], quantity=data["quantity"], date=date)
        # Every suggested item priced in one look-up.
        prices = prices_for(
            customer=customer,
            lines=[(rule.suggested_item, data["quantity"]) for rule in rules],
            date=date,
            currency=currency,
        )
        priced = [PricedSuggestion(relation=rule, price=price) for rule, price in zip(rules, prices, strict=True)]
        return Response(SuggestionSerializer(priced, many=True).data)


class _OrderAction(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    # An action on a sales order: the model permission asked for is the order's change permission.
    schema = ServiceAutoSchema()
    action = "order_action"
    change_actions = ("order_action",)

    def get_queryset(self):
        return SalesOrderViewSet().get_queryset()

    def order_answer(self, order) -> dict:
        return SalesOrderSerializer(self.get_queryset().get(pk=order.pk)).data


class AcceptSuggestionView(_OrderAction):
    serializer_class = SuggestionAcceptedSerializer

    def input_serializer_for(self, action):
        return SuggestionAcceptInputSerializer

    @extend_schema(
        operation_id="sales_orders_accept_suggestion",
        summary="Accept a suggestion on an open order's line: an up-sell replaces the item, a cross-sell adds a line",
        parameters=[ORDER_ID],
        request=SuggestionAcceptInputSerializer,
        responses={201: SuggestionAcceptedSerializer},
    )
    def post(self, request, id):
        order = get_object_or_404(self.get_queryset(), pk=id)
        data = SuggestionAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = get_object_or_404(order.lines.all(), pk=data.validated_data["line"].pk)
        event = suggestion_accept(order_line=line, relation=data.validated_data["relation"], by=request.user)
        body = {"event": SuggestionEventSerializer(event).data, "order": self.order_answer(order)}
        return Response(body, status=status.HTTP_201_CREATED)


class InsertStandardLinesView(_OrderAction):
    serializer_class = SalesOrderSerializer

    def input_serializer_for(self, action):
        return InsertStandardLinesInputSerializer

    @extend_schema(
        operation_id="sales_orders_insert_standard_lines",
        summary="Add the lines of a standard line set to an open order, at current prices",
        parameters=[ORDER_ID],
        request=InsertStandardLinesInputSerializer,
        responses=SalesOrderSerializer,
    )
    def post(self, request, id):
        order = get_object_or_404(self.get_queryset(), pk=id)
        data = InsertStandardLinesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        standard_lines_insert(order=order, line_set=data.validated_data["line_set"], by=request.user)
        return Response(self.order_answer(order))


class _QuotationAction(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    # An action on a quotation: the model permission asked for is the quotation's change permission.
    schema = ServiceAutoSchema()
    action = "quotation_action"
    change_actions = ("quotation_action",)

    def get_queryset(self):
        return QuotationViewSet().get_queryset()

    def quotation_answer(self, quotation) -> dict:
        return QuotationSerializer(self.get_queryset().get(pk=quotation.pk)).data


class QuotationAcceptSuggestionView(_QuotationAction):
    serializer_class = QuotationSuggestionAcceptedSerializer

    def input_serializer_for(self, action):
        return QuotationSuggestionAcceptInputSerializer

    @extend_schema(
        operation_id="quotations_accept_suggestion",
        summary="Accept a suggestion on a draft quotation's line: an up-sell replaces the item, a cross-sell adds "
        "a line",
        parameters=[QUOTATION_ID],
        request=QuotationSuggestionAcceptInputSerializer,
        responses={201: QuotationSuggestionAcceptedSerializer},
    )
    def post(self, request, id):
        quotation = get_object_or_404(self.get_queryset(), pk=id)
        data = QuotationSuggestionAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = get_object_or_404(quotation.lines.all(), pk=data.validated_data["line"].pk)
        event = quotation_suggestion_accept(
            quotation_line=line, relation=data.validated_data["relation"], by=request.user
        )
        body = {"event": SuggestionEventSerializer(event).data, "quotation": self.quotation_answer(quotation)}
        return Response(body, status=status.HTTP_201_CREATED)


class QuotationInsertStandardLinesView(_QuotationAction):
    serializer_class = QuotationSerializer

    def input_serializer_for(self, action):
        return InsertStandardLinesInputSerializer

    @extend_schema(
        operation_id="quotations_insert_standard_lines",
        summary="Add the lines of a standard line set to a draft quotation, at current prices",
        parameters=[QUOTATION_ID],
        request=InsertStandardLinesInputSerializer,
        responses=QuotationSerializer,
    )
    def post(self, request, id):
        quotation = get_object_or_404(self.get_queryset(), pk=id)
        data = InsertStandardLinesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quotation_standard_lines_insert(quotation=quotation, line_set=data.validated_data["line_set"], by=request.user)
        return Response(self.quotation_answer(quotation))


class SuggestionEventFilter(django_filters.FilterSet):
    order = django_filters.NumberFilter(field_name="order_id", help_text="Sales order id")
    quotation = django_filters.NumberFilter(field_name="quotation_id", help_text="Quotation id")
    relation = django_filters.NumberFilter(field_name="relation_id", help_text="Rule id")
    kind = django_filters.ChoiceFilter(choices=SuggestionEventKind.choices)

    class Meta:
        model = SuggestionEvent
        fields = ["order", "quotation", "relation", "kind"]


class SuggestionEventViewSet(ServiceViewSet):
    """Suggestions shown on order and quotation lines and accepted; an accepted one can be undone while the order
    is open or the quotation a draft."""

    serializer_class = SuggestionEventSerializer
    change_actions = ("undo",)
    filterset_class = SuggestionEventFilter
    ordering_fields = ("id",)

    def get_queryset(self):
        return SuggestionEvent.objects.all()

    @extend_schema(request=None, responses=SuggestionEventSerializer, summary="Undo an accepted suggestion")
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        event = suggestion_undo(event=self.get_object(), by=request.user)
        return self.respond(event)


class StandardLineSetFilter(UpdatedSinceFilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    active = django_filters.BooleanFilter()

    class Meta:
        model = StandardLineSet
        fields = ["customer", "active"]


class StandardLineSetViewSet(ServiceViewSet):
    """Named sets of lines for one customer or for all (customer null), inserted into an order in one call
    (``POST sales-orders/{id}/insert-standard-lines/``)."""

    serializer_class = StandardLineSetSerializer
    input_serializers = {"create": StandardLineSetInputSerializer, "partial_update": StandardLineSetInputSerializer}
    filterset_class = StandardLineSetFilter
    search_fields = ["name"]

    def get_queryset(self):
        lines = StandardLine.objects.select_related("item").order_by("line_no")
        return StandardLineSet.objects.prefetch_related(Prefetch("lines", queryset=lines))

    @staticmethod
    def _lines(data: dict) -> dict:
        if "lines" in data:
            data["lines"] = [StandardLineInput(**line) for line in data["lines"]]
        return data

    def create(self, request):
        line_set = standard_line_set_create(by=request.user, **self._lines(dict(self.validated_input())))
        return self.respond(line_set, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = self._lines(dict(self.validated_input(partial=True)))
        line_set = standard_line_set_update(line_set=self.get_object(), by=request.user, **data)
        return self.respond(line_set)

    @extend_schema(responses={204: None}, summary="Delete a standard line set")
    def destroy(self, request, pk=None):
        standard_line_set_delete(line_set=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router, extra_urlpatterns: list) -> None:
    router.register("product-relations", ProductRelationViewSet, basename="productrelation")
    router.register("suggestion-events", SuggestionEventViewSet, basename="suggestionevent")
    router.register("standard-line-sets", StandardLineSetViewSet, basename="standardlineset")
    extra_urlpatterns.extend(
        [
            re_path(r"^suggestions/$", SuggestionsView.as_view(), name="suggestions"),
            re_path(
                r"^sales-orders/(?P<id>[^/.]+)/accept-suggestion/$",
                AcceptSuggestionView.as_view(),
                name="salesorder-accept-suggestion",
            ),
            re_path(
                r"^sales-orders/(?P<id>[^/.]+)/insert-standard-lines/$",
                InsertStandardLinesView.as_view(),
                name="salesorder-insert-standard-lines",
            ),
            re_path(
                r"^quotations/(?P<id>[^/.]+)/accept-suggestion/$",
                QuotationAcceptSuggestionView.as_view(),
                name="quotation-accept-suggestion",
            ),
            re_path(
                r"^quotations/(?P<id>[^/.]+)/insert-standard-lines/$",
                QuotationInsertStandardLinesView.as_view(),
                name="quotation-insert-standard-lines",
            ),
        ]
    )
