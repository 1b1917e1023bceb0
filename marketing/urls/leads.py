from django.urls import path

from marketing.views import leads as views

urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/suggestions/", views.lead_suggestions, name="lead_suggestions"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/import/", views.lead_import_page, name="lead_import"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_update, name="lead_update"),
    path("leads/<int:pk>/qualify/", views.lead_qualify, name="lead_qualify"),
    path("leads/<int:pk>/disqualify/", views.lead_disqualify, name="lead_disqualify"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
]
