"""Up-sell and cross-sell pages: the rules managers keep, the report, and what an order page shows under its
lines (the suggestions per line, the accepted ones to undo, the standard line sets to insert)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.listing import Column, list_response
from core.web import form_save, permission, run_action
from salesapp.forms.standard_lines import InsertStandardLinesForm
from salesapp.forms.suggestions import ProductRelationForm, RelationFilterForm, ReportFilterForm
from salesapp.models import ProductRelation, SalesOrder
from salesapp.selectors import suggestions as suggestion_selectors
from salesapp.selectors.standard_lines import standard_line_sets_for
from salesapp.services import suggestions as suggestion_services

RELATION_COLUMNS = [
    Column("item", gettext_lazy("Item"), lambda rule: rule.item.number),
    Column("suggested_item", gettext_lazy("Suggested item"), lambda rule: rule.suggested_item.number),
    Column("kind", gettext_lazy("Kind"), lambda rule: rule.get_kind_display()),
    Column("min_quantity", gettext_lazy("Minimum quantity"), lambda rule: rule.min_quantity, css="num"),
    Column(
        "price_group",
        gettext_lazy("Customer price group"),
        lambda rule: rule.price_group.code if rule.price_group_id else "",
    ),
    Column("valid_from", gettext_lazy("Valid from"), lambda rule: rule.valid_from),
    Column("valid_to", gettext_lazy("Valid to"), lambda rule: rule.valid_to),
    Column("priority", gettext_lazy("Priority"), lambda rule: rule.priority, css="num"),
    Column("pitch", gettext_lazy("Pitch"), lambda rule: rule.pitch, page=False),
    Column("active", gettext_lazy("Active"), lambda rule: rule.active),
]


@permission("salesapp.view_productrelation")
@require_GET
def relation_list(request):
    filters = RelationFilterForm(request.GET)
    relations = suggestion_selectors.product_relation_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=relations,
        columns=RELATION_COLUMNS,
        sorts=suggestion_selectors.RELATION_SORTS,
        template="salesapp/product_relation_list.html",
        filename="product-relations",
        form=filters,
        context={"filters": filters},
    )


@permission("salesapp.add_productrelation")
def relation_create(request):
    form = ProductRelationForm(request.POST or None)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Rule %(rule)s saved.") % {"rule": saved})
        return redirect("salesapp:relation_list")
    return render(request, "salesapp/product_relation_form.html", {"form": form, "relation": None})


@permission("salesapp.change_productrelation")
def relation_update(request, pk: int):
    relation = get_object_or_404(ProductRelation.objects.select_related("item", "suggested_item"), pk=pk)
    form = ProductRelationForm(request.POST or None, relation=copy.copy(relation))
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Rule %(rule)s saved.") % {"rule": saved})
        return redirect("salesapp:relation_list")
    return render(request, "salesapp/product_relation_form.html", {"form": form, "relation": relation})


@permission("salesapp.change_productrelation")
@require_POST
def relation_deactivate(request, pk: int):
    relation = get_object_or_404(ProductRelation.objects.select_related("item", "suggested_item"), pk=pk)
    run_action(
        request,
        lambda: suggestion_services.product_relation_deactivate(relation=relation, by=request.user),
        success=_("Rule %(rule)s deactivated.") % {"rule": relation},
    )
    return redirect("salesapp:relation_list")


REPORT_COLUMNS = [
    Column("item", gettext_lazy("Item"), lambda row: row.item.number),
    Column("suggested_item", gettext_lazy("Suggested item"), lambda row: row.suggested_item.number, page=False),
    Column("kind", gettext_lazy("Kind"), lambda row: row.get_kind_display()),
    Column("shown", gettext_lazy("Shown"), lambda row: row.shown, css="num"),
    Column("accepted", gettext_lazy("Accepted"), lambda row: row.accepted, css="num"),
    Column("rate", gettext_lazy("Acceptance %"), lambda row: row.rate, css="num"),
    Column("revenue", gettext_lazy("Revenue on orders"), lambda row: row.revenue, css="num"),
    Column("quoted_revenue", gettext_lazy("Quoted"), lambda row: row.quoted_revenue, css="num"),
]


@permission("salesapp.view_productrelation")
@require_GET
def suggestion_report(request):
    filters = ReportFilterForm(request.GET)
    rows = suggestion_selectors.suggestion_report(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=rows,
        columns=REPORT_COLUMNS,
        sorts=suggestion_selectors.REPORT_SORTS,
        template="salesapp/suggestion_report.html",
        filename="suggestion-report",
        form=filters,
        context={"filters": filters},
    )


def order_suggestions_context(request, order: SalesOrder, lines: list, *, editable: bool) -> dict:
    """What an open order's page shows under its lines: each line's suggestions (recorded as shown), the
    accepted suggestions that can be undone, and the standard line sets to insert. A fixed number of queries."""
    if not editable:
        return {}
    suggestions = suggestion_selectors.suggestions_for_lines(
        lines=lines, customer=order.customer, date=order.order_date
    )
    suggestion_services.suggestions_shown_record(order=order, shown=suggestions, by=request.user)
    sets = standard_line_sets_for(customer=order.customer)
    return {
        "suggestion_rows": [(line, suggestions[line.pk]) for line in lines if suggestions.get(line.pk)],
        "undoable": suggestion_selectors.suggestion_events_undoable(order=order),
        "insert_form": InsertStandardLinesForm(sets=sets, prefix="insert") if sets else None,
    }
