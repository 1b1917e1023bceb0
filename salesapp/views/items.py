"""Item pages: the catalogue list, the item page and the create and edit forms."""

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.listing import Column, list_response
from core.web import form_save, permission
from core.widgets import suggestions_response
from salesapp.forms.items import ITEM_LOOKUP, ItemFilterForm, ItemForm
from salesapp.models import Item
from salesapp.selectors import items as item_selectors
from salesapp.views.supply import item_stock_context

ITEM_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda item: item.number),
    Column("name", gettext_lazy("Name"), lambda item: item.name),
    Column("item_type", gettext_lazy("Type"), lambda item: item.get_item_type_display()),
    Column("unit", gettext_lazy("Unit"), lambda item: item.unit),
    Column("unit_price", gettext_lazy("Sales price"), lambda item: item.unit_price, css="num"),
    Column("on_hand", gettext_lazy("On hand"), lambda item: item.on_hand, css="num"),
    Column("tax_code", gettext_lazy("Tax code"), lambda item: item.tax_code.code),
    Column("active", gettext_lazy("Active"), lambda item: item.active),
]


@permission("salesapp.view_item")
def item_list(request):
    filters = ItemFilterForm(request.GET)
    items = item_selectors.item_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=items,
        columns=ITEM_COLUMNS,
        sorts=item_selectors.ITEM_SORTS,
        template="salesapp/item_list.html",
        filename="items",
        form=filters,
        context={"filters": filters},
    )


@permission("salesapp.view_item")
@require_GET
def item_suggestions(request):
    """Items matching what is typed, for a form's item field; ``active=1`` offers only items still sold."""
    active = True if request.GET.get("active") == "1" else None
    items = item_selectors.item_list(active=active)
    return suggestions_response(ITEM_LOOKUP, items, request.GET.get("q", ""))


@permission("salesapp.view_item")
def item_detail(request, pk: int):
    item = get_object_or_404(Item.objects.select_related("tax_code", "tax_group", "item_group"), pk=pk)
    return render(request, "salesapp/item_detail.html", {"item": item, **item_stock_context(request, item)})


@permission("salesapp.add_item")
def item_create(request):
    form = ItemForm(request.POST or None)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Item %(number)s created.") % {"number": saved.number})
        return redirect("salesapp:item_detail", pk=saved.pk)
    return render(request, "salesapp/item_form.html", {"form": form, "item": None})


@permission("salesapp.change_item")
def item_update(request, pk: int):
    item = get_object_or_404(Item, pk=pk)
    form = ItemForm(request.POST or None, instance=copy.copy(item))
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Item %(number)s saved.") % {"number": saved.number})
        return redirect("salesapp:item_detail", pk=saved.pk)
    return render(request, "salesapp/item_form.html", {"form": form, "item": item})
