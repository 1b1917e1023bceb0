"""TEMPORARY: the URL names other pages link to, until this domain's views exist. Replace entirely."""

from django.http import HttpResponse
from django.urls import path


def _pending(request, **kwargs):
    return HttpResponse(status=501)


urlpatterns = [
    path("leads/", _pending, name="lead_list"),
    path("leads/new/", _pending, name="lead_create"),
    path("leads/import/", _pending, name="lead_import"),
    path("leads/<int:pk>/", _pending, name="lead_detail"),
]
