"""The actions an order page's suggestions and standard line sets post to: accept, undo, insert."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.web import permission, run_action
from salesapp.forms.standard_lines import InsertStandardLinesForm
from salesapp.models import ProductRelation, SalesOrderLine, SuggestionEvent
from salesapp.services import standard_lines as standard_line_services
from salesapp.services import suggestions as suggestion_services
from salesapp.views.orders import _lines_fragment, _order_or_404


def suggestion_accepted_message(line, relation: ProductRelation) -> str:
    """What a clerk is told after accepting ``relation`` on ``line`` (of an order or a quotation)."""
    if relation.is_up_sell:
        return _("Line %(no)s: %(item)s put in.") % {"no": line.line_no, "item": relation.suggested_item.number}
    return _("%(item)s added.") % {"item": relation.suggested_item.number}


def _answer(request, pk: int):
    if request.htmx:
        return _lines_fragment(request, pk)
    return redirect("salesapp:order_detail", pk=pk)


@permission("salesapp.change_salesorder")
@require_POST
def suggestion_accept(request, pk: int, line_pk: int, relation_pk: int):
    line = get_object_or_404(SalesOrderLine, pk=line_pk, order_id=pk)
    relation = get_object_or_404(ProductRelation.objects.select_related("suggested_item"), pk=relation_pk)
    success = suggestion_accepted_message(line, relation)
    run_action(
        request,
        lambda: suggestion_services.suggestion_accept(order_line=line, relation=relation, by=request.user),
        success=success,
    )
    return _answer(request, pk)


@permission("salesapp.change_salesorder")
@require_POST
def suggestion_undo(request, pk: int, event_pk: int):
    event = get_object_or_404(SuggestionEvent, pk=event_pk, order_id=pk)
    run_action(
        request,
        lambda: suggestion_services.suggestion_undo(event=event, by=request.user),
        success=_("Suggestion undone."),
    )
    return _answer(request, pk)


@permission("salesapp.change_salesorder")
@require_POST
def standard_lines_insert(request, pk: int):
    order = _order_or_404(pk)
    form = InsertStandardLinesForm(request.POST, sets=[], prefix="insert")
    if not form.is_valid():
        messages.error(request, _("Choose a standard line set."))
        return _answer(request, pk)
    line_set = form.cleaned_data["line_set"]
    try:
        added = standard_line_services.standard_lines_insert(order=order, line_set=line_set, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            ngettext("%(count)s line of %(name)s added.", "%(count)s lines of %(name)s added.", len(added))
            % {"count": len(added), "name": line_set.name},
        )
    return _answer(request, pk)
