"""API for customer accounts."""

from __future__ import annotations

import django_filters
from rest_framework import status

from core.api.external_references import (
    EXTERNAL_REFERENCE_ACTIONS,
    EXTERNAL_REFERENCE_FILTER_HELP,
    ExternalReferencesMixin,
    external_reference_filter,
)
from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from salesapp.api.customer_serializers import (
    CustomerCreateInputSerializer,
    CustomerSerializer,
    CustomerUpdateInputSerializer,
)
from salesapp.choices import Currency
from salesapp.models import Customer
from salesapp.selectors.customers import customer_list
from salesapp.services.customers import customer_create, customer_update


class CustomerFilter(UpdatedSinceFilterSet):
    blocked = django_filters.BooleanFilter()
    currency = django_filters.ChoiceFilter(choices=Currency.choices)
    number = django_filters.CharFilter(lookup_expr="iexact")
    external_reference = django_filters.CharFilter(
        method=external_reference_filter, help_text=EXTERNAL_REFERENCE_FILTER_HELP
    )

    class Meta:
        model = Customer
        fields = ["blocked", "currency", "number"]


class CustomerViewSet(ExternalReferencesMixin, ServiceViewSet):
    """Customer accounts. Create one on an existing party; the number is assigned."""

    serializer_class = CustomerSerializer
    input_serializers = {"create": CustomerCreateInputSerializer, "partial_update": CustomerUpdateInputSerializer}
    change_actions = EXTERNAL_REFERENCE_ACTIONS
    filterset_class = CustomerFilter
    search_fields = ["number", "party__name", "party__city", "party__email"]

    def get_queryset(self):
        return customer_list()

    def create(self, request):
        customer = customer_create(by=request.user, **self.validated_input())
        return self.respond(customer, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        customer = customer_update(customer=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(customer)


def register(router, extra_urlpatterns: list) -> None:
    router.register("customers", CustomerViewSet, basename="customer")
