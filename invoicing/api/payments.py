"""API for payments: register one and apply it to open invoices."""

import django_filters
from django.db.models import Prefetch
from rest_framework import status

from core.api.viewsets import ServiceViewSet
from invoicing.api.payment_serializers import PaymentInputSerializer, PaymentSerializer
from invoicing.choices import PaymentMethod
from invoicing.models import Payment, PaymentApplication
from invoicing.selectors.payments import payment_list
from invoicing.services.payments import ApplicationInput, payment_register


class PaymentFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    number = django_filters.CharFilter(lookup_expr="iexact")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Payment
        fields = ["customer", "method", "number"]


class PaymentViewSet(ServiceViewSet):
    """Money received from a customer, optionally applied to open invoices at once."""

    serializer_class = PaymentSerializer
    input_serializers = {"create": PaymentInputSerializer}
    filterset_class = PaymentFilter
    search_fields = ["number", "reference", "customer__party__name"]

    def get_queryset(self):
        return payment_list().prefetch_related(
            Prefetch("applications", queryset=PaymentApplication.objects.select_related("invoice"))
        )

    def create(self, request):
        data = self.validated_input()
        applications = [ApplicationInput(**application) for application in data.pop("applications", [])]
        payment = payment_register(applications=applications, by=request.user, **data)
        return self.respond(payment, status_code=status.HTTP_201_CREATED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("payments", PaymentViewSet, basename="payment")
