from invoicing.urls import billing_runs, customer_accounts, free_text_invoices, invoices, payments

app_name = "invoicing"
urlpatterns = [
    *invoices.urlpatterns,
    *payments.urlpatterns,
    *customer_accounts.urlpatterns,
    *billing_runs.urlpatterns,
    *free_text_invoices.urlpatterns,
]
