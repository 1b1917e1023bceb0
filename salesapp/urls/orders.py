from django.urls import path

from salesapp.views import approvals, line_supply, opportunity_orders, orders, returns

urlpatterns = [
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/new/line/", orders.order_create_line, name="order_create_line"),
    path("orders/new/preview/", orders.order_create_preview, name="order_create_preview"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", orders.order_update, name="order_update"),
    path("orders/<int:pk>/confirm/", orders.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/close-remainder/", orders.order_close_remainder, name="order_close_remainder"),
    path("orders/<int:pk>/copy/", orders.order_copy, name="order_copy"),
    path("orders/<int:pk>/return/", returns.returned_order_create, name="returned_order_create"),
    path("orders/<int:pk>/change-type/", orders.order_change_type, name="order_change_type"),
    path("orders/<int:pk>/confirmation.pdf", orders.order_confirmation_pdf_view, name="order_confirmation_pdf"),
    path("orders/<int:pk>/confirmation/send/", orders.order_confirmation_send, name="order_confirmation_send"),
    path("orders/<int:pk>/lines/<int:line_pk>/ship-date/", orders.order_line_ship_date, name="order_line_ship_date"),
    path("orders/<int:pk>/lines/<int:line_pk>/supply/", line_supply.order_line_supply, name="order_line_supply"),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/ship-date/promise/",
        orders.order_line_ship_date_promise,
        name="order_line_ship_date_promise",
    ),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/close-remainder/",
        orders.order_line_close_remainder,
        name="order_line_close_remainder",
    ),
    path("orders/<int:pk>/approve/", orders.order_approve, name="order_approve"),
    path("orders/<int:pk>/reject/", orders.order_reject, name="order_reject"),
    path("orders/<int:pk>/hold/", orders.order_hold, name="order_hold"),
    path("orders/<int:pk>/release-hold/", orders.order_release_hold, name="order_release_hold"),
    path("orders/approvals/", approvals.approval_queue, name="approval_queue"),
    path("orders/<int:pk>/lines/add/", orders.order_line_add, name="order_line_add"),
    path("orders/<int:pk>/lines/preview/", orders.order_line_preview, name="order_line_preview"),
    path("orders/<int:pk>/lines/<int:line_pk>/remove/", orders.order_line_remove, name="order_line_remove"),
    path(
        "opportunities/<int:pk>/order/",
        opportunity_orders.order_create_for_opportunity,
        name="order_create_for_opportunity",
    ),
]
