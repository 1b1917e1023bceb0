import django_filters

from invoicing.choices import InvoiceState, PaymentMethod, PaymentState
from invoicing.models import Invoice, Payment


class InvoiceFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=InvoiceState.choices)
    payment_state = django_filters.ChoiceFilter(choices=PaymentState.choices)
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    order = django_filters.NumberFilter(field_name="order_id", help_text="Sales order id")
    number = django_filters.CharFilter(lookup_expr="iexact")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Invoice
        fields = ["state", "payment_state", "customer", "order", "number"]


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
