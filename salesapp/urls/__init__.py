from salesapp.urls import (
    agreements,
    backorder_reschedule,
    backorders,
    customers,
    items,
    orders,
    packing_slips,
    pricing,
    quotations,
    suggestions,
    supply,
)

app_name = "salesapp"
urlpatterns = [
    *agreements.urlpatterns,
    *backorder_reschedule.urlpatterns,
    *backorders.urlpatterns,
    *customers.urlpatterns,
    *items.urlpatterns,
    *orders.urlpatterns,
    *packing_slips.urlpatterns,
    *pricing.urlpatterns,
    *quotations.urlpatterns,
    *suggestions.urlpatterns,
    *supply.urlpatterns,
]
