from django.urls import path

from salesapp.views import items

urlpatterns = [
    path("items/", items.item_list, name="item_list"),
    path("items/suggestions/", items.item_suggestions, name="item_suggestions"),
    path("items/new/", items.item_create, name="item_create"),
    path("items/<int:pk>/", items.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", items.item_update, name="item_update"),
]
