from django.urls import path

from salesapp.views import catalog

urlpatterns = [
    path("customers/", catalog.customer_list, name="customer_list"),
    path("customers/new/", catalog.customer_create, name="customer_create"),
    path("customers/<int:pk>/", catalog.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", catalog.customer_update, name="customer_update"),
    path("items/", catalog.item_list, name="item_list"),
    path("items/new/", catalog.item_create, name="item_create"),
    path("items/<int:pk>/", catalog.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", catalog.item_update, name="item_update"),
]
