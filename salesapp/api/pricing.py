"""API for pricing: trade agreement lines, price, item and tax groups and tax determination (everyone with the view
permission reads them, sales managers maintain them), and the price look-up every document line uses."""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.input import KnownFieldsOnly
from core.api.schema import ServiceAutoSchema
from core.api.viewsets import ServiceViewSet
from core.money import line_net
from salesapp.api.pricing_serializers import (
    GroupInputSerializer,
    GroupSerializer,
    PriceLookupInputSerializer,
    PriceSerializer,
    TaxDeterminationInputSerializer,
    TaxDeterminationSerializer,
    TradeAgreementLineInputSerializer,
    TradeAgreementLineSerializer,
)
from salesapp.choices import AgreementAppliesTo, AgreementKind, Currency
from salesapp.models import (
    CustomerPriceGroup,
    CustomerTaxGroup,
    ItemGroup,
    ItemTaxGroup,
    TaxDetermination,
    TradeAgreementLine,
)
from salesapp.selectors.pricing import company_currency, price_for, tax_code_for, trade_agreement_list
from salesapp.services.pricing import (
    pricing_group_create,
    pricing_group_update,
    tax_determination_delete,
    tax_determination_set,
    trade_agreement_line_create,
    trade_agreement_line_deactivate,
    trade_agreement_line_delete,
    trade_agreement_line_update,
)


class TradeAgreementFilter(UpdatedSinceFilterSet):
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices)
    applies_to = django_filters.ChoiceFilter(choices=AgreementAppliesTo.choices)
    currency = django_filters.ChoiceFilter(choices=Currency.choices)
    price_group = django_filters.CharFilter(field_name="price_group__code")
    item_group = django_filters.CharFilter(field_name="item_group__code")
    active = django_filters.BooleanFilter()
    valid_on = django_filters.DateFilter(method="filter_valid_on", label="Valid on this date")

    class Meta:
        model = TradeAgreementLine
        fields = ["kind", "applies_to", "customer", "price_group", "item", "item_group", "currency", "active"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(pk__in=trade_agreement_list(valid_on=value).values("pk"))


class TradeAgreementLineViewSet(mixins.DestroyModelMixin, ServiceViewSet):
    """Trade agreement lines: agreed prices and discounts for a customer, a price group or all customers."""

    serializer_class = TradeAgreementLineSerializer
    input_serializers = {
        "create": TradeAgreementLineInputSerializer,
        "partial_update": TradeAgreementLineInputSerializer,
    }
    filterset_class = TradeAgreementFilter
    search_fields = ["item__number", "item_group__code", "customer__number", "price_group__code"]
    change_actions = ("deactivate",)

    def get_queryset(self):
        return trade_agreement_list()

    def create(self, request):
        line = trade_agreement_line_create(by=request.user, **self.validated_input())
        return self.respond(line, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        line = trade_agreement_line_update(
            line=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(line)

    def perform_destroy(self, instance):
        trade_agreement_line_delete(line=instance, by=self.request.user)

    @extend_schema(request=None, summary="Deactivate a line: new document lines no longer get it")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self.respond(trade_agreement_line_deactivate(line=self.get_object(), by=request.user))


def _group_viewset(model, doc: str):
    class GroupViewSet(ServiceViewSet):
        __doc__ = doc
        serializer_class = GroupSerializer
        input_serializers = {"create": GroupInputSerializer, "partial_update": GroupInputSerializer}
        search_fields = ["code", "name"]

        def get_queryset(self):
            return model.objects.all()

        def create(self, request):
            group = pricing_group_create(model=model, by=request.user, **self.validated_input())
            return self.respond(group, status_code=status.HTTP_201_CREATED)

        def partial_update(self, request, pk=None):
            group = pricing_group_update(group=self.get_object(), by=request.user, **self.validated_input(partial=True))
            return self.respond(group)

    GroupViewSet.__name__ = f"{model.__name__}ViewSet"
    return GroupViewSet


class TaxDeterminationFilter(UpdatedSinceFilterSet):
    customer_tax_group = django_filters.CharFilter(field_name="customer_tax_group__code")
    item_tax_group = django_filters.CharFilter(field_name="item_tax_group__code")

    class Meta:
        model = TaxDetermination
        fields = ["customer_tax_group", "item_tax_group"]


class TaxDeterminationViewSet(mixins.DestroyModelMixin, ServiceViewSet):
    """Customer tax group × item tax group → the tax code a line gets. Creating a row for a pair that has one
    changes its tax code (one row per pair); deleting it makes lines of that pair take the item's own tax code."""

    serializer_class = TaxDeterminationSerializer
    input_serializers = {"create": TaxDeterminationInputSerializer}
    filterset_class = TaxDeterminationFilter

    def get_queryset(self):
        return TaxDetermination.objects.select_related("customer_tax_group", "item_tax_group", "tax_code")

    def create(self, request):
        row = tax_determination_set(by=request.user, **self.validated_input())
        return self.respond(row, status_code=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        tax_determination_delete(determination=instance, by=self.request.user)


class PriceLookupView(KnownFieldsOnly, GenericAPIView):
    # The price a document line would get now: the same engine orders use. Reading it needs the right to read
    # trade agreements (the model permission of this view's queryset).

    schema = ServiceAutoSchema()
    serializer_class = PriceSerializer

    def get_queryset(self):
        return TradeAgreementLine.objects.all()

    def input_serializer_for(self, action):
        return None

    @extend_schema(
        operation_id="prices_retrieve",
        summary="The price, discount, source and tax code of a line",
        parameters=[PriceLookupInputSerializer],
        responses={200: PriceSerializer},
    )
    def get(self, request):
        query = PriceLookupInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        customer, item, quantity = data.get("customer"), data["item"], data["quantity"]
        date = data.get("date") or timezone.localdate()
        currency = data.get("currency") or (customer.currency if customer else company_currency())
        price = price_for(customer=customer, item=item, quantity=quantity, date=date, currency=currency)
        found = {
            "item": item.pk,
            "customer": customer.pk if customer else None,
            "quantity": quantity,
            "currency": currency,
            "date": date,
            "unit_price": price.unit_price,
            "discount_percent": price.discount_percent,
            "source": price.source,
            "tax_code": tax_code_for(customer=customer, item=item).code,
            "net_amount": line_net(
                quantity=quantity, unit_price=price.unit_price, discount_percent=price.discount_percent
            ),
        }
        return Response(PriceSerializer(found).data)


def register(router, extra_urlpatterns: list) -> None:
    router.register("trade-agreements", TradeAgreementLineViewSet, basename="tradeagreementline")
    router.register(
        "price-groups",
        _group_viewset(CustomerPriceGroup, "Customer price groups. Sales managers maintain them."),
        basename="customerpricegroup",
    )
    router.register(
        "item-groups",
        _group_viewset(
            ItemGroup, "Item groups (trade agreement discounts may be per item group). Sales managers maintain them."
        ),
        basename="itemgroup",
    )
    router.register(
        "customer-tax-groups",
        _group_viewset(
            CustomerTaxGroup,
            "Customer tax groups (with item tax groups they decide a line's tax code). Sales managers maintain them.",
        ),
        basename="customertaxgroup",
    )
    router.register(
        "item-tax-groups",
        _group_viewset(ItemTaxGroup, "Item tax groups. Sales managers maintain them."),
        basename="itemtaxgroup",
    )
    router.register("tax-determinations", TaxDeterminationViewSet, basename="taxdetermination")
    extra_urlpatterns.append(path("prices/", PriceLookupView.as_view(), name="price-lookup"))
