from rest_framework.routers import DefaultRouter

from integrations.api import events, webhooks

router = DefaultRouter(trailing_slash=True)
extra_urlpatterns: list = []
for module in (events, webhooks):
    module.register(router, extra_urlpatterns)
