from django.urls import path

from marketing.views import campaign_segments as segments
from marketing.views import campaign_targets as targets
from marketing.views import campaigns as views
from marketing.views import unsubscribe

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_update, name="campaign_update"),
    path("campaigns/<int:pk>/activate/", views.campaign_activate, name="campaign_activate"),
    path("campaigns/<int:pk>/complete/", views.campaign_complete, name="campaign_complete"),
    path("campaigns/<int:pk>/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("campaigns/<int:pk>/targets/add/", views.campaign_targets_add, name="campaign_targets_add"),
    path("campaigns/<int:pk>/targets/preview/", views.campaign_targets_preview, name="campaign_targets_preview"),
    path("campaigns/<int:pk>/calls/", views.campaign_call_list, name="campaign_call_list"),
    path("campaigns/<int:pk>/calls/assign/", views.campaign_calls_assign, name="campaign_calls_assign"),
    path("campaigns/<int:pk>/labels.pdf", views.campaign_labels_pdf, name="campaign_labels_pdf"),
    path("campaigns/<int:pk>/letters.pdf", views.campaign_letters_pdf, name="campaign_letters_pdf"),
    path("campaigns/<int:pk>/addresses.csv", views.campaign_addresses_csv, name="campaign_addresses_csv"),
    path("campaigns/<int:pk>/mark-mailed/", views.campaign_mark_mailed, name="campaign_mark_mailed"),
    path("campaigns/<int:pk>/send-email/", views.campaign_email_send, name="campaign_email_send"),
    path("campaigns/<int:pk>/email-progress/", views.campaign_email_progress, name="campaign_email_progress"),
    path("campaign-targets/<int:pk>/", targets.target_detail, name="target_detail"),
    path("campaign-targets/<int:pk>/respond/", targets.target_respond, name="target_respond"),
    path("campaign-targets/<int:pk>/log-call/", targets.target_call_log, name="target_call_log"),
    path("campaign-targets/<int:pk>/remove/", targets.target_remove, name="target_remove"),
    path("segments/", segments.segment_list_view, name="segment_list"),
    path("segments/new/", segments.segment_create, name="segment_create"),
    path("segments/<int:pk>/", segments.segment_update, name="segment_update"),
    path("segments/<int:pk>/delete/", segments.segment_delete_view, name="segment_delete"),
    path("unsubscribe/<uuid:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
