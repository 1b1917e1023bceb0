from rest_framework.routers import DefaultRouter

from salesapp.api import (
    agreements,
    backorder_reschedule,
    backorders,
    customers,
    items,
    orders,
    packing_slips,
    pricing,
    promising,
    quotations,
    suggestions,
    supply,
    tax_codes,
)

router = DefaultRouter(trailing_slash=True)
extra_urlpatterns: list = []
# Each resource module registers its viewsets (and any extra paths) here.
for module in (
    agreements,
    backorder_reschedule,
    backorders,
    customers,
    items,
    orders,
    packing_slips,
    pricing,
    promising,
    quotations,
    suggestions,
    supply,
    tax_codes,
):
    module.register(router, extra_urlpatterns)
