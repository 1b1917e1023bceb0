from django.urls import path

from invoicing.views import exchange_rates

urlpatterns = [
    path("exchange-rates/", exchange_rates.exchange_rate_list, name="exchange_rate_list"),
    path("exchange-rates/set/", exchange_rates.exchange_rate_set, name="exchange_rate_set"),
    path("exchange-rates/import/", exchange_rates.exchange_rate_import, name="exchange_rate_import"),
    path("exchange-rates/<int:pk>/delete/", exchange_rates.exchange_rate_delete, name="exchange_rate_delete"),
]
