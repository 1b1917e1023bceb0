from django.urls import path

from marketing.views import parties as views

urlpatterns = [
    path("parties/", views.party_list, name="party_list"),
    path("parties/new/", views.party_create, name="party_create"),
    path("parties/suggestions/", views.party_suggestions, name="party_suggestions"),
    path("parties/duplicates/", views.party_duplicates_check, name="party_duplicates"),
    path("parties/<int:pk>/", views.party_detail, name="party_detail"),
    path("parties/<int:pk>/edit/", views.party_update, name="party_update"),
    path("parties/<int:pk>/timeline/", views.party_timeline, name="party_timeline"),
    path("parties/<int:pk>/merge/", views.party_merge_view, name="party_merge"),
    path("parties/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_update, name="contact_update"),
    path("contacts/<int:pk>/primary/", views.contact_make_primary, name="contact_make_primary"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("parties/<int:pk>/addresses/new/", views.address_create, name="address_create"),
    path("addresses/<int:pk>/edit/", views.address_update, name="address_update"),
    path("addresses/<int:pk>/default/", views.address_make_default, name="address_make_default"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
]
