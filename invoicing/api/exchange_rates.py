"""API for exchange rates: the rates of foreign currencies by date, the rate on a day, and a CSV import."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from invoicing.api.exchange_rate_serializers import (
    ExchangeRateImportInputSerializer,
    ExchangeRateInputSerializer,
    ExchangeRateOnResponseSerializer,
    ExchangeRateOnSerializer,
    ExchangeRateSerializer,
    ExchangeRateUpdateInputSerializer,
)
from invoicing.models import ExchangeRate
from invoicing.selectors.exchange_rates import exchange_rate_list, rate_on
from invoicing.services import exchange_rates as services
from salesapp.choices import Currency


class ExchangeRateFilter(UpdatedSinceFilterSet):
    currency = django_filters.ChoiceFilter(choices=Currency.choices)
    valid_from_after = django_filters.DateFilter(field_name="valid_from", lookup_expr="gte")
    valid_from_before = django_filters.DateFilter(field_name="valid_from", lookup_expr="lte")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "valid_from_after", "valid_from_before"]


class ExchangeRateViewSet(ServiceViewSet):
    """Exchange rates: what one unit of a foreign currency is worth in the company currency from a day on. A
    document in a foreign currency posts its journal entry in the company currency at the rate of its date (the
    latest rate valid on or before it); posting is refused when there is none. Creating a rate for a day that has
    one changes it; entries posted already keep the rate they used."""

    serializer_class = ExchangeRateSerializer
    input_serializers = {
        "create": ExchangeRateInputSerializer,
        "partial_update": ExchangeRateUpdateInputSerializer,
        "on": ExchangeRateOnSerializer,
        "import_csv": ExchangeRateImportInputSerializer,
    }
    filterset_class = ExchangeRateFilter

    def get_queryset(self):
        return exchange_rate_list().select_related("created_by")

    @extend_schema(request=ExchangeRateInputSerializer, responses=ExchangeRateSerializer, summary="Set a rate")
    def create(self, request):
        rate = services.exchange_rate_set(by=request.user, **self.validated_input())
        return self.respond(rate, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=ExchangeRateUpdateInputSerializer, responses=ExchangeRateSerializer, summary="Change a rate")
    def partial_update(self, request, pk=None):
        found = self.get_object()
        rate = services.exchange_rate_set(
            currency=found.currency,
            valid_from=found.valid_from,
            rate=self.validated_input()["rate"],
            by=request.user,
        )
        return self.respond(rate)

    @extend_schema(responses={204: None}, summary="Remove a rate entered by mistake")
    def destroy(self, request, pk=None):
        services.exchange_rate_delete(exchange_rate=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ExchangeRateOnSerializer],
        responses=ExchangeRateOnResponseSerializer,
        summary="The rate a posting on a day uses",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def on(self, request):
        serializer = ExchangeRateOnSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        currency = serializer.validated_data["currency"]
        date = serializer.validated_data.get("date") or timezone.localdate()
        return Response(
            ExchangeRateOnResponseSerializer({"currency": currency, "date": date, "rate": rate_on(currency, date)}).data
        )

    @extend_schema(
        request={"multipart/form-data": ExchangeRateImportInputSerializer},
        responses={
            201: OpenApiResponse(description="`imported`: the number of rates set."),
            400: OpenApiResponse(
                description="Nothing was imported: `errors` lists every wrong line of the file, each naming its "
                "line (the header is line 1) and column."
            ),
        },
        summary="Import rates from a CSV file (all or nothing)",
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
        count = services.exchange_rates_import(file=self.validated_input()["file"], by=request.user)
        return Response({"imported": count}, status=status.HTTP_201_CREATED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")
