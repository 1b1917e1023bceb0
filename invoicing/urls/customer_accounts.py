from django.urls import path

from invoicing.views import customer_accounts

urlpatterns = [
    path("customers/<int:customer_pk>/account/", customer_accounts.customer_account, name="customer_account"),
    path("aging/", customer_accounts.aging, name="aging"),
]
