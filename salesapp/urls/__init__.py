from salesapp.urls import customers, items, orders, packing_slips, suggestions

app_name = "salesapp"
urlpatterns = [
    *customers.urlpatterns,
    *items.urlpatterns,
    *orders.urlpatterns,
    *packing_slips.urlpatterns,
    *suggestions.urlpatterns,
]
