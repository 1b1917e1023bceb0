import django_filters

from salesapp.choices import Currency, ItemType, OrderState, PackingSlipState
from salesapp.models import Customer, Item, PackingSlip, SalesOrder


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Integrators synchronise by asking for what changed since their last run."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )


class CustomerFilter(UpdatedSinceFilterSet):
    blocked = django_filters.BooleanFilter()
    currency = django_filters.ChoiceFilter(choices=Currency.choices)
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["blocked", "currency", "number"]


class ItemFilter(UpdatedSinceFilterSet):
    item_type = django_filters.ChoiceFilter(choices=ItemType.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Item
        fields = ["item_type", "active"]


class SalesOrderFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=OrderState.choices)
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SalesOrder
        fields = ["state", "customer", "number"]


class PackingSlipFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=PackingSlipState.choices)
    order = django_filters.NumberFilter(field_name="order_id", help_text="Sales order id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = PackingSlip
        fields = ["state", "order", "number"]
