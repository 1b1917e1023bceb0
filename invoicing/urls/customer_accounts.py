from django.urls import path

from invoicing.views import customer_accounts

urlpatterns = [
    path("customers/<int:customer_pk>/account/", customer_accounts.customer_account, name="customer_account"),
    path("aging/", customer_accounts.aging, name="aging"),
    path(
        "customers/<int:customer_pk>/statement.pdf",
        customer_accounts.customer_statement_pdf,
        name="customer_statement_pdf",
    ),
    path(
        "customers/<int:customer_pk>/statement/email/",
        customer_accounts.customer_statement_email,
        name="customer_statement_email",
    ),
]
