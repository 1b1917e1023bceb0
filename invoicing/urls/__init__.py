from invoicing.urls import customer_accounts, invoices, payments

app_name = "invoicing"
urlpatterns = [
    *invoices.urlpatterns,
    *payments.urlpatterns,
    *customer_accounts.urlpatterns,
]
