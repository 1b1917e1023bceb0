from django.urls import path

from invoicing.views import payments

urlpatterns = [
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/new/", payments.payment_create, name="payment_create"),
    path("payments/<int:pk>/", payments.payment_detail, name="payment_detail"),
]
