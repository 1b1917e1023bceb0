from rest_framework.routers import DefaultRouter

from invoicing.api import billing_runs, customer_accounts, exchange_rates, free_text_invoices, invoices, payments

router = DefaultRouter(trailing_slash=True)
extra_urlpatterns: list = []
# Each resource module registers its viewsets (and any extra paths) here.
for module in (billing_runs, exchange_rates, invoices, payments, free_text_invoices, customer_accounts):
    module.register(router, extra_urlpatterns)
