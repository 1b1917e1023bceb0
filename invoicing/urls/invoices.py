from django.urls import path

from invoicing.views import credit_notes, invoices

urlpatterns = [
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path("invoices/new/", invoices.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/post/", invoices.invoice_post, name="invoice_post"),
    path("invoices/<int:pk>/delete/", invoices.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/pdf-link/", invoices.invoice_pdf_link, name="invoice_pdf_link"),
    path("invoices/<int:pk>/credit-note/", credit_notes.invoice_credit_note, name="invoice_credit_note"),
    path("invoices/<int:pk>/cancel/", credit_notes.invoice_cancel, name="invoice_cancel"),
    path("invoices/<int:pk>/correct/", credit_notes.invoice_correct, name="invoice_correct"),
]
