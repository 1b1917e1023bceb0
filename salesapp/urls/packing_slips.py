from django.urls import path

from salesapp.views import packing_slips

urlpatterns = [
    path("packing-slips/", packing_slips.packing_slip_list, name="packing_slip_list"),
    path("packing-slips/new/", packing_slips.packing_slip_create, name="packing_slip_create"),
    path("packing-slips/<int:pk>/", packing_slips.packing_slip_detail, name="packing_slip_detail"),
    path("packing-slips/<int:pk>/post/", packing_slips.packing_slip_post, name="packing_slip_post"),
    path("packing-slips/<int:pk>/cancel/", packing_slips.packing_slip_cancel, name="packing_slip_cancel"),
    path("packing-slips/<int:pk>/pdf/", packing_slips.packing_slip_pdf, name="packing_slip_pdf"),
    path("packing-slips/<int:pk>/notify/", packing_slips.packing_slip_notify, name="packing_slip_notify"),
    path("packing-slips/<int:pk>/delete/", packing_slips.packing_slip_delete, name="packing_slip_delete"),
]
