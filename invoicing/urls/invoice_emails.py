from django.urls import path

from invoicing.views import invoice_emails

urlpatterns = [
    path("invoices/<int:pk>/email/", invoice_emails.invoice_email, name="invoice_email"),
]
