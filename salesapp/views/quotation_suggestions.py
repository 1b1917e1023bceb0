"""What a draft quotation's page shows under its lines (each line's suggestions, the accepted ones to undo, the
standard line sets to insert) and the actions those post to."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.web import permission, run_action
from salesapp.forms.standard_lines import InsertStandardLinesForm
from salesapp.models import ProductRelation, Quotation, QuotationLine, SuggestionEvent
from salesapp.selectors import suggestions as suggestion_selectors
from salesapp.selectors.standard_lines import standard_line_sets_for
from salesapp.services import standard_lines as standard_line_services
from salesapp.services import suggestions as suggestion_services
from salesapp.views.order_suggestions import suggestion_accepted_message


def quotation_suggestions_context(request, quotation: Quotation, lines: list, *, editable: bool) -> dict:
    """For a draft the clerk may change: each line's suggestions (recorded as shown), the accepted suggestions
    that can be undone, and the standard line sets to insert. A fixed number of queries."""
    if not editable:
        return {}
    suggestions = suggestion_selectors.suggestions_for_lines(
        lines=lines, customer=quotation.customer, date=quotation.quotation_date
    )
    suggestion_services.quotation_suggestions_shown_record(quotation=quotation, shown=suggestions, by=request.user)
    sets = standard_line_sets_for(customer=quotation.customer)
    return {
        "quotation_suggestion_rows": [(line, suggestions[line.pk]) for line in lines if suggestions.get(line.pk)],
        "quotation_undoable": suggestion_selectors.suggestion_events_undoable(quotation=quotation),
        "quotation_insert_form": InsertStandardLinesForm(sets=sets, prefix="insert") if sets else None,
    }


def _back(pk: int):
    return redirect("salesapp:quotation_detail", pk=pk)


@permission("salesapp.change_quotation")
@require_POST
def suggestion_accept(request, pk: int, line_pk: int, relation_pk: int):
    line = get_object_or_404(QuotationLine, pk=line_pk, quotation_id=pk)
    relation = get_object_or_404(ProductRelation.objects.select_related("suggested_item"), pk=relation_pk)
    success = suggestion_accepted_message(line, relation)
    run_action(
        request,
        lambda: suggestion_services.quotation_suggestion_accept(
            quotation_line=line, relation=relation, by=request.user
        ),
        success=success,
    )
    return _back(pk)


@permission("salesapp.change_quotation")
@require_POST
def suggestion_undo(request, pk: int, event_pk: int):
    event = get_object_or_404(SuggestionEvent, pk=event_pk, quotation_id=pk)
    run_action(
        request,
        lambda: suggestion_services.quotation_suggestion_undo(event=event, by=request.user),
        success=_("Suggestion undone."),
    )
    return _back(pk)


@permission("salesapp.change_quotation")
@require_POST
def standard_lines_insert(request, pk: int):
    quotation = get_object_or_404(Quotation, pk=pk)
    form = InsertStandardLinesForm(request.POST, sets=[], prefix="insert")
    if not form.is_valid():
        messages.error(request, _("Choose a standard line set."))
        return _back(pk)
    line_set = form.cleaned_data["line_set"]
    try:
        added = standard_line_services.quotation_standard_lines_insert(
            quotation=quotation, line_set=line_set, by=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            ngettext("%(count)s line of %(name)s added.", "%(count)s lines of %(name)s added.", len(added))
            % {"count": len(added), "name": line_set.name},
        )
    return _back(pk)
