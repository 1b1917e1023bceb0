from django.urls import path

from salesapp.views import backorders

urlpatterns = [
    path("backorders/", backorders.backorders_by_item, name="backorders_by_item"),
    path("backorders/items/<int:pk>/", backorders.backorder_item, name="backorder_item"),
    path("backorders/customers/", backorders.backorders_by_customer, name="backorders_by_customer"),
    path("backorders/vendors/", backorders.backorders_by_vendor, name="backorders_by_vendor"),
]
