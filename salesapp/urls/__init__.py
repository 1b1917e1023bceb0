from salesapp.urls import (
    agreements,
    backorders,
    customers,
    items,
    orders,
    packing_slips,
    pricing,
    quotations,
    suggestions,
)

app_name = "salesapp"
urlpatterns = [
    *agreements.urlpatterns,
    *backorders.urlpatterns,
    *customers.urlpatterns,
    *items.urlpatterns,
    *orders.urlpatterns,
    *packing_slips.urlpatterns,
    *pricing.urlpatterns,
    *quotations.urlpatterns,
    *suggestions.urlpatterns,
]
