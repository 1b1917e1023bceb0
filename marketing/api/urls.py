from rest_framework.routers import DefaultRouter

from marketing.api import activities, campaigns, leads, opportunities
from marketing.api.party_views import PartyViewSet

router = DefaultRouter(trailing_slash=True)
router.register("parties", PartyViewSet, basename="party")
extra_urlpatterns: list = []
# Each resource module registers its viewsets (and any extra paths) here.
for module in (leads, opportunities, campaigns, activities):
    module.register(router, extra_urlpatterns)
