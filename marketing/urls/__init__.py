from marketing.urls import activities, campaigns, leads, opportunities, parties

app_name = "marketing"
urlpatterns = [
    *parties.urlpatterns,
    *leads.urlpatterns,
    *opportunities.urlpatterns,
    *campaigns.urlpatterns,
    *activities.urlpatterns,
]
