from django.urls import path

from marketing.views import activities as views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/follow-ups/", views.followups, name="followups"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_update, name="activity_update"),
    path("activities/<int:pk>/complete/", views.activity_complete, name="activity_complete"),
    path("activities/<int:pk>/reopen/", views.activity_reopen, name="activity_reopen"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
]
