from django.urls import path

from invoicing.views import free_text_invoices

urlpatterns = [
    path("invoices/free-text/new/", free_text_invoices.free_text_invoice_create, name="free_text_invoice_create"),
    path("invoices/free-text/<int:pk>/", free_text_invoices.free_text_invoice_edit, name="free_text_invoice_edit"),
    path(
        "invoices/free-text/<int:pk>/header/",
        free_text_invoices.free_text_invoice_header,
        name="free_text_invoice_header",
    ),
    path(
        "invoices/free-text/<int:pk>/lines/add/",
        free_text_invoices.free_text_invoice_line_add,
        name="free_text_invoice_line_add",
    ),
    path(
        "invoices/free-text/<int:pk>/lines/<int:line_pk>/",
        free_text_invoices.free_text_invoice_line_update,
        name="free_text_invoice_line_update",
    ),
    path(
        "invoices/free-text/<int:pk>/lines/<int:line_pk>/delete/",
        free_text_invoices.free_text_invoice_line_delete,
        name="free_text_invoice_line_delete",
    ),
    path("invoices/<int:pk>/pro-forma/", free_text_invoices.invoice_pro_forma, name="invoice_pro_forma"),
    path("orders/<int:pk>/pro-forma/", free_text_invoices.order_pro_forma, name="order_pro_forma"),
]
