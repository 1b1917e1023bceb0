"""TEMPORARY: the URL names other pages link to, until this domain's views exist. Replace entirely."""

from django.http import HttpResponse
from django.urls import path


def _pending(request, **kwargs):
    return HttpResponse(status=501)


urlpatterns = [
    path("campaigns/", _pending, name="campaign_list"),
    path("campaigns/new/", _pending, name="campaign_create"),
    path("campaigns/<int:pk>/", _pending, name="campaign_detail"),
    path("campaign-targets/<int:pk>/", _pending, name="target_detail"),
]
