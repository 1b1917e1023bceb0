from rest_framework.routers import DefaultRouter

from marketing.api import activities, campaigns, leads, opportunities, parties

router = DefaultRouter(trailing_slash=True)
extra_urlpatterns: list = []
# Each resource module registers its viewsets (and any extra paths) here.
for module in (parties, leads, opportunities, campaigns, activities):
    module.register(router, extra_urlpatterns)
