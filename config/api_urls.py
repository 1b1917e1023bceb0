"""/api/v1/: one router over every app's viewsets, so the API root lists all resources."""

from rest_framework.routers import DefaultRouter

from integrations.api import urls as integrations_urls
from invoicing.api import urls as invoicing_urls
from marketing.api import urls as marketing_urls
from salesapp.api import urls as salesapp_urls

APPS = (marketing_urls, salesapp_urls, invoicing_urls, integrations_urls)

router = DefaultRouter(trailing_slash=True)
for app_urls in APPS:
    router.registry.extend(app_urls.router.registry)

urlpatterns = [pattern for app_urls in APPS for pattern in app_urls.extra_urlpatterns] + router.urls
