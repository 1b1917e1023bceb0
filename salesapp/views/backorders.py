"""The backorder pages: by item (with the split of on-hand between the waiting orders), by customer and by vendor,
and the rescheduling of selected lines."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.listing import Column, list_response, row_query, row_url
from core.money import ZERO
from core.web import permission
from salesapp.forms.backorders import BackorderFilterForm
from salesapp.models import Item
from salesapp.selectors import backorders as selectors
from salesapp.selectors.promising import open_supply
from salesapp.services.reservations import reservations_split

VIEW = "salesapp.view_salesorder"

ITEM_COLUMNS = [
    Column("item", gettext_lazy("Item"), lambda row: row["item__number"]),
    Column("name", gettext_lazy("Name"), lambda row: row["item__name"], page=False),
    Column("demand", gettext_lazy("Open demand"), lambda row: row["demand"], css="num"),
    Column("on_hand", gettext_lazy("On hand"), lambda row: row["item__on_hand"], css="num"),
    Column("reserved", gettext_lazy("Reserved"), lambda row: row["item__reserved"], css="num"),
    Column("free", gettext_lazy("Free"), lambda row: row["free"], css="num"),
    Column("supply", gettext_lazy("Inbound supply"), lambda row: row["supply"], css="num"),
    Column("shortfall", gettext_lazy("Shortfall"), lambda row: row["shortfall"], css="num"),
    Column("orders", gettext_lazy("Orders waiting"), lambda row: row["orders"], css="num"),
    Column("late", gettext_lazy("Late lines"), lambda row: row["late_lines"], css="num"),
]

LINE_COLUMNS = [
    Column("order", gettext_lazy("Order"), lambda line: line.order.number),
    Column("line", gettext_lazy("Line"), lambda line: line.line_no, page=False),
    Column("customer", gettext_lazy("Customer"), lambda line: line.order.customer.party.name),
    Column("item", gettext_lazy("Item"), lambda line: line.item.number),
    Column("due", gettext_lazy("Due"), lambda line: line.due),
    Column("remainder", gettext_lazy("Remainder"), lambda line: line.remainder, css="num"),
    Column("reserved", gettext_lazy("Reserved"), lambda line: line.qty_reserved, css="num"),
    Column("late", gettext_lazy("Late"), lambda line: line.late, page=False),
]

VENDOR_COLUMNS = [
    Column("vendor", gettext_lazy("Vendor"), lambda row: row["vendor__name"]),
    Column("open", gettext_lazy("Open supply lines"), lambda row: row["open_lines"], css="num"),
    Column("late", gettext_lazy("Late supply lines"), lambda row: row["late_lines"], css="num"),
    Column("outstanding", gettext_lazy("Quantity to come"), lambda row: row["outstanding"], css="num"),
    Column("late_qty", gettext_lazy("Quantity late"), lambda row: row["late_outstanding"], css="num", page=False),
    Column("earliest", gettext_lazy("Earliest expected"), lambda row: row["earliest"]),
    Column("waiting", gettext_lazy("Order lines waiting"), lambda row: row["waiting"], css="num"),
]


def _context(request, form: BackorderFilterForm) -> dict:
    return {"filter_form": form, "chips": form.chips(request), "next": request.get_full_path()}


@permission(VIEW)
def backorders_by_item(request):
    form = BackorderFilterForm(request.GET)
    rows = selectors.backorders_by_item(**form.filters(), ordering=request.GET.get("sort", ""))
    detail = row_url("salesapp:backorder_item")
    only_item = row_query(request, "item")

    def page_rows(page: list) -> list:
        supply = selectors.supply_by_date([row["item_id"] for row in page])
        for row in page:
            row["supply_dates"] = supply.get(row["item_id"], [])
            row["detail_url"] = detail(row["item_id"])
            row["filter_url"] = only_item(row["item_id"])
        return page

    return list_response(
        request,
        queryset=rows,
        columns=ITEM_COLUMNS,
        sorts=selectors.ITEM_SORTS,
        template="salesapp/backorders_by_item.html",
        filename="backorders-by-item",
        context=_context(request, form),
        page_rows=page_rows,
    )


@permission(VIEW)
@require_http_methods(["GET", "POST"])
def backorder_item(request, pk: int):
    """The orders waiting for one item, first in line first, with the split of its on-hand between them."""
    item = get_object_or_404(Item, pk=pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not request.user.has_perm("salesapp.allocate_stock"):
            messages.error(request, _("Your role does not allow re-allocating stock between orders."))
            return redirect("salesapp:backorder_item", pk=pk)
        quantities = {
            name.removeprefix("reserved-"): value.strip()
            for name, value in request.POST.items()
            if name.startswith("reserved-")
        }
        try:
            reservations_split(item=item, quantities=quantities, by=request.user)
        except DomainError as exc:
            errors = getattr(exc, "field_errors", None) or {}
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("The on-hand of %(item)s is split as entered.") % {"item": item.number})
            return redirect("salesapp:backorder_item", pk=pk)
        item.refresh_from_db()
    lines = list(selectors.backorder_lines(item_id=item.pk))
    posted = request.POST if request.method == "POST" else {}
    for line in lines:
        line.entered = posted.get(f"reserved-{line.pk}", line.qty_reserved)
        line.error = errors.get(f"lines[{line.pk}].quantity") or errors.get(f"lines[{line.pk}]")
    supply = list(open_supply().filter(item=item).select_related("vendor").order_by("expected_date", "id"))
    return render(
        request,
        "salesapp/backorder_item.html",
        {
            "item": item,
            "lines": lines,
            "supply": supply,
            "total_reserved": sum((line.qty_reserved for line in lines), ZERO),
            "reserved_elsewhere": item.reserved - sum((line.qty_reserved for line in lines), ZERO),
            "next": request.get_full_path(),
        },
    )


@permission(VIEW)
def backorders_by_customer(request):
    form = BackorderFilterForm(request.GET)
    lines = selectors.backorders_by_customer(**form.filters(), ordering=request.GET.get("sort", ""))
    order_url = row_url("salesapp:order_detail")
    only_customer = row_query(request, "customer")

    def page_rows(page: list) -> list:
        page = selectors.lines_with_atp(list(page))
        for line in page:
            line.order_url = order_url(line.order_id)
            line.filter_url = only_customer(line.order.customer_id)
        return page

    return list_response(
        request,
        queryset=lines,
        columns=LINE_COLUMNS,
        sorts=selectors.CUSTOMER_SORTS,
        template="salesapp/backorders_by_customer.html",
        filename="backorders-by-customer",
        context=_context(request, form),
        page_rows=page_rows,
    )


@permission(VIEW)
def backorders_by_vendor(request):
    form = BackorderFilterForm(request.GET)
    rows = selectors.backorders_by_vendor(**form.filters(), ordering=request.GET.get("sort", ""))
    only_vendor = row_query(request, "vendor")

    def page_rows(page: list) -> list:
        details = selectors.vendor_rows_detail([row["vendor_id"] for row in page])
        for row in page:
            row["detail"] = details[row["vendor_id"]]
            row["filter_url"] = only_vendor(row["vendor_id"])
        return page

    return list_response(
        request,
        queryset=rows,
        columns=VENDOR_COLUMNS,
        sorts=selectors.VENDOR_SORTS,
        template="salesapp/backorders_by_vendor.html",
        filename="backorders-by-vendor",
        context=_context(request, form),
        page_rows=page_rows,
    )
