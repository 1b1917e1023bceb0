from rest_framework.routers import DefaultRouter

from salesapp.api.views import CustomerViewSet, ItemViewSet, PackingSlipViewSet, SalesOrderViewSet

router = DefaultRouter(trailing_slash=True)
router.register("customers", CustomerViewSet, basename="customer")
router.register("items", ItemViewSet, basename="item")
router.register("sales-orders", SalesOrderViewSet, basename="salesorder")
router.register("packing-slips", PackingSlipViewSet, basename="packingslip")
extra_urlpatterns: list = []
