from django.urls import path

from salesapp.views import backorder_reschedule

urlpatterns = [
    path("backorders/reschedule/", backorder_reschedule.backorders_reschedule_view, name="backorders_reschedule"),
]
