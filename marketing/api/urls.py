from rest_framework.routers import DefaultRouter

from marketing.api.views import PartyViewSet

router = DefaultRouter(trailing_slash=True)
router.register("parties", PartyViewSet, basename="party")
extra_urlpatterns: list = []
