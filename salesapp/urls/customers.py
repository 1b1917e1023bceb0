from django.urls import path

from salesapp.views import customers

urlpatterns = [
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/suggestions/", customers.customer_suggestions, name="customer_suggestions"),
    path("customers/prospects/", customers.prospect_suggestions, name="prospect_suggestions"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_update, name="customer_update"),
]
