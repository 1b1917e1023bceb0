from django.urls import path

from salesapp.views import pricing

urlpatterns = [
    path("trade-agreements/", pricing.trade_agreement_list, name="trade_agreement_list"),
    path("trade-agreements/new/", pricing.trade_agreement_create, name="trade_agreement_create"),
    path("trade-agreements/import/", pricing.price_list_import_page, name="price_list_import"),
    path("trade-agreements/<int:pk>/edit/", pricing.trade_agreement_update, name="trade_agreement_update"),
    path(
        "trade-agreements/<int:pk>/deactivate/", pricing.trade_agreement_deactivate, name="trade_agreement_deactivate"
    ),
]
