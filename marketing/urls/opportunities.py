from django.urls import path

from marketing.views import opportunities as views

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/pipeline/", views.pipeline, name="pipeline"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_update, name="opportunity_update"),
    path("opportunities/<int:pk>/stage/", views.opportunity_stage, name="opportunity_stage"),
    path("opportunities/<int:pk>/move/", views.pipeline_move, name="pipeline_move"),
    path("opportunities/<int:pk>/win/", views.opportunity_win, name="opportunity_win"),
    path("opportunities/<int:pk>/lose/", views.opportunity_lose, name="opportunity_lose"),
]
