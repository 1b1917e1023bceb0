from django.urls import path

from salesapp.views import agreements

urlpatterns = [
    path("sales-agreements/", agreements.agreement_list, name="agreement_list"),
    path("sales-agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("sales-agreements/follow-up/", agreements.agreement_followup, name="agreement_followup"),
    path("sales-agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("sales-agreements/<int:pk>/edit/", agreements.agreement_update, name="agreement_update"),
    path("sales-agreements/<int:pk>/lines/add/", agreements.agreement_line_add, name="agreement_line_add"),
    path(
        "sales-agreements/<int:pk>/lines/<int:line_pk>/edit/",
        agreements.agreement_line_update,
        name="agreement_line_update",
    ),
    path(
        "sales-agreements/<int:pk>/lines/<int:line_pk>/remove/",
        agreements.agreement_line_remove,
        name="agreement_line_remove",
    ),
    path("sales-agreements/<int:pk>/activate/", agreements.agreement_activate, name="agreement_activate"),
    path("sales-agreements/<int:pk>/hold/", agreements.agreement_hold, name="agreement_hold"),
    path("sales-agreements/<int:pk>/close/", agreements.agreement_close, name="agreement_close"),
    path("sales-agreements/<int:pk>/cancel/", agreements.agreement_cancel, name="agreement_cancel"),
    path("sales-agreements/<int:pk>/release/", agreements.agreement_release, name="agreement_release"),
]
