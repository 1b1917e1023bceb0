"""Item pages: the catalogue list, the item page and the create and edit forms."""

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.web import form_save, paginate, permission
from salesapp.forms.fields import yes_no
from salesapp.forms.items import ItemFilterForm, ItemForm
from salesapp.models import Item
from salesapp.selectors import items as item_selectors


@permission("salesapp.view_item")
def item_list(request):
    filters = ItemFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    items = item_selectors.item_list(
        search=wanted.get("q", "").strip(),
        item_type=wanted.get("item_type", ""),
        active=yes_no(wanted.get("active", "")),
    )
    return render(request, "salesapp/item_list.html", {"filters": filters, "page_obj": paginate(request, items)})


@permission("salesapp.view_item")
def item_detail(request, pk: int):
    item = get_object_or_404(Item.objects.select_related("tax_code"), pk=pk)
    return render(request, "salesapp/item_detail.html", {"item": item})


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
