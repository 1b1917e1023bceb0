from django.urls import include, path

urlpatterns = [
    path("", include("marketing.api.urls")),
    path("", include("salesapp.api.urls")),
    path("", include("invoicing.api.urls")),
]
