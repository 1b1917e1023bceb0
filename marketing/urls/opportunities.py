"""TEMPORARY: the URL names other pages link to, until this domain's views exist. Replace entirely."""

from django.http import HttpResponse
from django.urls import path


def _pending(request, **kwargs):
    return HttpResponse(status=501)


urlpatterns = [
    path("opportunities/", _pending, name="opportunity_list"),
    path("opportunities/pipeline/", _pending, name="pipeline"),
    path("opportunities/new/", _pending, name="opportunity_create"),
    path("opportunities/<int:pk>/", _pending, name="opportunity_detail"),
]
