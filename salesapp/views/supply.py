"""Inbound supply pages: the list (filters, CSV), a new line and its edit, its page with the receive form and its
stock moves, cancel, and the CSV import; and a manager's stock adjustment from the item page.

Managers enter and receive supply (DESIGN.md §7); clerks may read it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.listing import Column, list_response
from core.web import form_action, form_add_domain_error, paginate, permission
from salesapp.choices import SupplyState
from salesapp.forms.supply import (
    StockAdjustmentForm,
    SupplyFilterForm,
    SupplyImportForm,
    SupplyLineForm,
    SupplyReceiveForm,
)
from salesapp.models import InboundSupplyLine, Item
from salesapp.selectors import supply as selectors
from salesapp.services import line_supply
from salesapp.services import supply as services
from salesapp.services.stock import stock_adjust
from salesapp.services.supply_import import SupplyImportRefused, supply_lines_import

SUPPLY_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda line: line.number),
    Column("vendor", gettext_lazy("Vendor"), lambda line: line.vendor.name),
    Column("item", gettext_lazy("Item"), lambda line: line.item.number),
    Column("quantity", gettext_lazy("Quantity"), lambda line: line.quantity, css="num"),
    Column("qty_received", gettext_lazy("Received"), lambda line: line.qty_received, css="num"),
    Column("expected_date", gettext_lazy("Expected date"), lambda line: line.expected_date),
    Column("state", gettext_lazy("Status"), lambda line: line.get_state_display()),
    Column("reference", gettext_lazy("Reference"), lambda line: line.reference, page=False),
]


def _line_or_404(pk: int) -> InboundSupplyLine:
    return get_object_or_404(InboundSupplyLine.objects.select_related("vendor", "item", "order_line__order"), pk=pk)


@permission("salesapp.view_inboundsupplyline")
@require_GET
def supply_list(request):
    filter_form = SupplyFilterForm(request.GET)
    lines = selectors.supply_list(**filter_form.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=lines,
        columns=SUPPLY_COLUMNS,
        sorts=selectors.SUPPLY_SORTS,
        template="salesapp/supply_list.html",
        filename="inbound-supply",
        form=filter_form,
        context={"filter_form": filter_form, "today": timezone.localdate()},
    )


@permission("salesapp.add_inboundsupplyline")
@require_http_methods(["GET", "POST"])
def supply_create(request):
    form = SupplyLineForm(request.POST or None, initial={"item": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        try:
            line = services.supply_line_create(by=request.user, **form.values())
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Supply line %(number)s entered.") % {"number": line.number})
            return redirect("salesapp:supply_detail", pk=line.pk)
    return render(request, "salesapp/supply_form.html", {"form": form, "line": None})


@permission("salesapp.change_inboundsupplyline")
@require_http_methods(["GET", "POST"])
def supply_update(request, pk: int):
    line = _line_or_404(pk)
    form = SupplyLineForm(
        request.POST or None,
        initial={
            "vendor": line.vendor,
            "item": line.item,
            "quantity": line.quantity.normalize(),
            "expected_date": line.expected_date,
            "reference": line.reference,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = form_action(
            request,
            form,
            lambda: services.supply_line_update(supply_line=line, by=request.user, **form.values()),
            success=lambda saved: _("Supply line %(number)s saved.") % {"number": saved.number},
            done_url=reverse("salesapp:supply_detail", args=[pk]),
        )
        if done:
            return done
    return render(request, "salesapp/supply_form.html", {"form": form, "line": line})


def _detail_page(request, pk: int, *, receive_form=None, status: int = 200):
    line = _line_or_404(pk)
    open_line = line.state == SupplyState.OPEN
    can_receive = open_line and not line.order_line_id and request.user.has_perm("salesapp.receive_inboundsupplyline")
    context = {
        "line": line,
        "open_line": open_line,
        "receive_form": (receive_form or SupplyReceiveForm(line=line)) if can_receive else None,
        "moves": selectors.supply_line_moves(line),
        "can_change": open_line and request.user.has_perm("salesapp.change_inboundsupplyline"),
    }
    return render(request, "salesapp/supply_detail.html", context, status=status)


@permission("salesapp.view_inboundsupplyline")
@require_GET
def supply_detail(request, pk: int):
    return _detail_page(request, pk)


@permission("salesapp.receive_inboundsupplyline")
@require_POST
def supply_receive(request, pk: int):
    line = _line_or_404(pk)
    form = SupplyReceiveForm(request.POST)
    if form.is_valid():
        done = form_action(
            request,
            form,
            lambda: line_supply.supply_receive(supply_line=line, by=request.user, **form.cleaned_data),
            success=lambda received: (
                _("Received %(quantity)s %(unit)s on %(number)s: the goods are on hand.")
                % {
                    "quantity": form.cleaned_data["quantity"].normalize(),
                    "unit": line.item.unit,
                    "number": received.number,
                }
            ),
            done_url=reverse("salesapp:supply_detail", args=[pk]),
        )
        if done:
            return done
    return _detail_page(request, pk, receive_form=form, status=400)


@permission("salesapp.change_inboundsupplyline")
@require_POST
def supply_cancel(request, pk: int):
    line = _line_or_404(pk)
    ordered = line.quantity
    try:
        canceled = services.supply_line_cancel(supply_line=line, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, services.supply_line_cancel_message(canceled, ordered))
    return redirect("salesapp:supply_detail", pk=pk)


@permission("salesapp.add_inboundsupplyline")
@require_http_methods(["GET", "POST"])
def supply_import(request):
    form = SupplyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = supply_lines_import(file=form.cleaned_data["file"], by=request.user)
        except SupplyImportRefused as exc:
            form.add_error("file", exc.reason)
            for row in exc.rows:
                form.add_error("file", row)
        except DomainError as exc:
            form.add_error("file", exc.reason)
        else:
            messages.success(
                request,
                ngettext("%(count)d supply line imported.", "%(count)d supply lines imported.", len(imported))
                % {"count": len(imported)},
            )
            return redirect("salesapp:supply_list")
    return render(request, "salesapp/supply_import.html", {"form": form}, status=400 if form.errors else 200)


def item_stock_context(request, item: Item, *, adjustment_form=None) -> dict:
    """What the item page shows of its stock: the figures, the supply still to come, the moves (20 a page) and,
    for a manager, the adjustment form."""
    can_adjust = request.user.has_perm("salesapp.add_stockmove")
    return {
        "open_supply": list(selectors.item_open_supply(item)),
        "moves_page": paginate(request, selectors.item_moves(item), per_page=20),
        "adjustment_form": (adjustment_form or StockAdjustmentForm()) if can_adjust else None,
    }


@permission("salesapp.add_stockmove")
@require_POST
def item_stock_adjust(request, pk: int):
    item = get_object_or_404(Item, pk=pk)
    form = StockAdjustmentForm(request.POST)
    if form.is_valid():
        done = form_action(
            request,
            form,
            lambda: stock_adjust(item=item, by=request.user, **form.cleaned_data),
            success=lambda move: (
                _("Stock of %(item)s adjusted by %(quantity)s.")
                % {"item": item.number, "quantity": f"{move.quantity.normalize():+f}"}
            ),
            done_url=reverse("salesapp:item_detail", args=[pk]),
        )
        if done:
            return done
    context = {"item": item, **item_stock_context(request, item, adjustment_form=form)}
    return render(request, "salesapp/item_detail.html", context, status=400)
