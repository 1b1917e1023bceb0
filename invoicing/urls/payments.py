from django.urls import path

from invoicing.views import payments

urlpatterns = [
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/new/", payments.payment_create, name="payment_create"),
    path("payments/<int:pk>/", payments.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/apply/", payments.payment_apply, name="payment_apply"),
    path(
        "payment-applications/<int:pk>/unapply/",
        payments.payment_application_unapply,
        name="payment_application_unapply",
    ),
    path("credit-notes/<int:pk>/set-off/", payments.credit_note_set_off, name="credit_note_set_off"),
]
