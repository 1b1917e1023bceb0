from django.urls import path

from salesapp.views import quotations

urlpatterns = [
    path("quotations/", quotations.quotation_list, name="quotation_list"),
    path("quotations/new/", quotations.quotation_create, name="quotation_create"),
    path("quotations/conversion/", quotations.quotation_conversion, name="quotation_conversion"),
    path("quotations/<int:pk>/", quotations.quotation_detail, name="quotation_detail"),
    path("quotations/<int:pk>/edit/", quotations.quotation_update, name="quotation_update"),
    path("quotations/<int:pk>/lines/add/", quotations.quotation_line_add, name="quotation_line_add"),
    path("quotations/<int:pk>/lines/preview/", quotations.quotation_line_preview, name="quotation_line_preview"),
    path(
        "quotations/<int:pk>/lines/<int:line_pk>/remove/",
        quotations.quotation_line_remove,
        name="quotation_line_remove",
    ),
    path("quotations/<int:pk>/send/", quotations.quotation_send, name="quotation_send"),
    path("quotations/<int:pk>/revise/", quotations.quotation_revise, name="quotation_revise"),
    path("quotations/<int:pk>/accept/", quotations.quotation_accept, name="quotation_accept"),
    path("quotations/<int:pk>/email/", quotations.quotation_email, name="quotation_email"),
    path("quotations/<int:pk>/lose/", quotations.quotation_lose, name="quotation_lose"),
    path("quotations/<int:pk>/cancel/", quotations.quotation_cancel, name="quotation_cancel"),
    path("quotations/<int:pk>/copy/", quotations.quotation_copy, name="quotation_copy"),
    path("quotations/<int:pk>/compare/", quotations.quotation_compare, name="quotation_compare"),
    path("quotations/<int:pk>/pdf/", quotations.quotation_pdf_view, name="quotation_pdf"),
    path(
        "campaign-targets/<int:pk>/quotation/",
        quotations.quotation_create_for_response,
        name="quotation_create_for_response",
    ),
    path(
        "opportunities/<int:pk>/quotation/",
        quotations.quotation_create_for_opportunity,
        name="quotation_create_for_opportunity",
    ),
]
