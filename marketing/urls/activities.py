"""TEMPORARY: the URL names other pages link to, until this domain's views exist. Replace entirely."""

from django.http import HttpResponse
from django.urls import path


def _pending(request, **kwargs):
    return HttpResponse(status=501)


urlpatterns = [
    path("activities/", _pending, name="activity_list"),
    path("activities/follow-ups/", _pending, name="followups"),
    path("activities/new/", _pending, name="activity_create"),
    path("activities/<int:pk>/", _pending, name="activity_detail"),
]
