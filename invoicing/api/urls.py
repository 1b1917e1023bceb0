from django.urls import re_path
from rest_framework.routers import DefaultRouter

from invoicing.api.views import InvoiceViewSet, OrderInvoiceView, PaymentViewSet

router = DefaultRouter(trailing_slash=True)
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
# Routes that are not a registered viewset; config.api_urls adds them beside the combined router.
extra_urlpatterns = [
    re_path(r"^sales-orders/(?P<id>[^/.]+)/invoice/$", OrderInvoiceView.as_view(), name="salesorder-invoice"),
]
