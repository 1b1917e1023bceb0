from invoicing.urls import (
    billing_runs,
    customer_accounts,
    exchange_rates,
    free_text_invoices,
    invoice_emails,
    invoices,
    payments,
)

app_name = "invoicing"
urlpatterns = [
    *invoices.urlpatterns,
    *invoice_emails.urlpatterns,
    *payments.urlpatterns,
    *customer_accounts.urlpatterns,
    *billing_runs.urlpatterns,
    *exchange_rates.urlpatterns,
    *free_text_invoices.urlpatterns,
]
