from django.urls import path

from salesapp.views import order_suggestions, quotation_suggestions, standard_lines, suggestions

urlpatterns = [
    path("product-relations/", suggestions.relation_list, name="relation_list"),
    path("product-relations/new/", suggestions.relation_create, name="relation_create"),
    path("product-relations/<int:pk>/edit/", suggestions.relation_update, name="relation_update"),
    path("product-relations/<int:pk>/deactivate/", suggestions.relation_deactivate, name="relation_deactivate"),
    path("product-relations/report/", suggestions.suggestion_report, name="suggestion_report"),
    path("standard-line-sets/", standard_lines.line_set_list, name="line_set_list"),
    path("standard-line-sets/new/", standard_lines.line_set_create, name="line_set_create"),
    path("standard-line-sets/<int:pk>/", standard_lines.line_set_detail, name="line_set_detail"),
    path("standard-line-sets/<int:pk>/edit/", standard_lines.line_set_update, name="line_set_update"),
    path("standard-line-sets/<int:pk>/deactivate/", standard_lines.line_set_deactivate, name="line_set_deactivate"),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/suggestions/<int:relation_pk>/accept/",
        order_suggestions.suggestion_accept,
        name="order_suggestion_accept",
    ),
    path(
        "orders/<int:pk>/suggestions/<int:event_pk>/undo/",
        order_suggestions.suggestion_undo,
        name="order_suggestion_undo",
    ),
    path(
        "orders/<int:pk>/standard-lines/", order_suggestions.standard_lines_insert, name="order_standard_lines_insert"
    ),
    path(
        "quotations/<int:pk>/lines/<int:line_pk>/suggestions/<int:relation_pk>/accept/",
        quotation_suggestions.suggestion_accept,
        name="quotation_suggestion_accept",
    ),
    path(
        "quotations/<int:pk>/suggestions/<int:event_pk>/undo/",
        quotation_suggestions.suggestion_undo,
        name="quotation_suggestion_undo",
    ),
    path(
        "quotations/<int:pk>/standard-lines/",
        quotation_suggestions.standard_lines_insert,
        name="quotation_standard_lines_insert",
    ),
]
