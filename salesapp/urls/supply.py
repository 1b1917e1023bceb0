from django.urls import path

from salesapp.views import supply

urlpatterns = [
    path("inbound-supply/", supply.supply_list, name="supply_list"),
    path("inbound-supply/new/", supply.supply_create, name="supply_create"),
    path("inbound-supply/import/", supply.supply_import, name="supply_import"),
    path("inbound-supply/<int:pk>/", supply.supply_detail, name="supply_detail"),
    path("inbound-supply/<int:pk>/edit/", supply.supply_update, name="supply_update"),
    path("inbound-supply/<int:pk>/receive/", supply.supply_receive, name="supply_receive"),
    path("inbound-supply/<int:pk>/cancel/", supply.supply_cancel, name="supply_cancel"),
    path("items/<int:pk>/stock-adjustments/", supply.item_stock_adjust, name="item_stock_adjust"),
]
