"""API for tax codes: read-only, so an integrator can map its own codes to ours (items and order lines name
them by code)."""

from __future__ import annotations

import django_filters

from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from salesapp.api.tax_code_serializers import TaxCodeSerializer
from salesapp.models import TaxCode
from salesapp.selectors.tax_codes import tax_code_list


class TaxCodeFilter(UpdatedSinceFilterSet):
    active = django_filters.BooleanFilter()

    class Meta:
        model = TaxCode
        fields = ["active"]


class TaxCodeViewSet(ServiceViewSet):
    """Tax codes with their rate. Maintained by administrators; read-only here."""

    serializer_class = TaxCodeSerializer
    filterset_class = TaxCodeFilter
    search_fields = ["code", "name"]

    def get_queryset(self):
        return tax_code_list()


def register(router, extra_urlpatterns: list) -> None:
    router.register("tax-codes", TaxCodeViewSet, basename="taxcode")
