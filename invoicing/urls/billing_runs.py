from django.urls import path

from invoicing.views import billing_runs, summary_runs

urlpatterns = [
    path("billing-runs/", billing_runs.billing_run_list_view, name="billing_run_list"),
    path("billing-runs/new/", billing_runs.billing_run_create, name="billing_run_create"),
    path("billing-runs/<int:pk>/", billing_runs.billing_run_detail, name="billing_run_detail"),
    path("billing-runs/<int:pk>/progress/", billing_runs.billing_run_progress, name="billing_run_progress"),
    path("billing-runs/packing-slips/new/", summary_runs.summary_run_create, name="summary_run_create"),
    path("billing-runs/<int:pk>/post-all/", summary_runs.summary_run_post_all_view, name="summary_run_post_all"),
]
