"""Standard line set pages: the list, a set with its lines, and the create and edit forms (managers)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.listing import Column, list_response
from core.web import permission, run_action
from salesapp.forms.standard_lines import (
    StandardLineFormSet,
    StandardLineSetFilterForm,
    StandardLineSetForm,
    standard_line_set_save,
)
from salesapp.models import StandardLineSet
from salesapp.selectors import standard_lines as standard_line_selectors
from salesapp.services.standard_lines import standard_line_set_update

LINE_SET_COLUMNS = [
    Column("name", gettext_lazy("Name"), lambda line_set: line_set.name),
    Column(
        "customer",
        gettext_lazy("Customer"),
        lambda line_set: str(line_set.customer) if line_set.customer_id else _("All customers"),
    ),
    Column("line_count", gettext_lazy("Lines"), lambda line_set: line_set.line_count, css="num"),
    Column("active", gettext_lazy("Active"), lambda line_set: line_set.active),
]


def _set_or_404(pk: int) -> StandardLineSet:
    try:
        return standard_line_selectors.standard_line_set_get(pk=pk)
    except StandardLineSet.DoesNotExist:
        raise Http404(_("No such standard line set.")) from None


@permission("salesapp.view_standardlineset")
@require_GET
def line_set_list(request):
    filters = StandardLineSetFilterForm(request.GET)
    sets = standard_line_selectors.standard_line_set_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=sets,
        columns=LINE_SET_COLUMNS,
        sorts=standard_line_selectors.STANDARD_LINE_SET_SORTS,
        template="salesapp/standard_line_set_list.html",
        filename="standard-line-sets",
        form=filters,
        context={"filters": filters},
    )


@permission("salesapp.view_standardlineset")
@require_GET
def line_set_detail(request, pk: int):
    return render(request, "salesapp/standard_line_set_detail.html", {"line_set": _set_or_404(pk)})


def _form_page(request, line_set: StandardLineSet | None):
    if request.method == "POST":
        form = StandardLineSetForm(request.POST, line_set=line_set)
        lines = StandardLineFormSet(request.POST, prefix="lines")
        saved = standard_line_set_save(form=form, lines=lines, by=request.user)
        if saved is not None:
            messages.success(request, _("Standard line set %(name)s saved.") % {"name": saved.name})
            return redirect("salesapp:line_set_detail", pk=saved.pk)
    else:
        form = StandardLineSetForm(line_set=line_set)
        initial = (
            [{"item": line.item, "quantity": line.quantity} for line in line_set.lines.all()] if line_set else None
        )
        lines = StandardLineFormSet(prefix="lines", initial=initial)
    return render(request, "salesapp/standard_line_set_form.html", {"form": form, "lines": lines, "line_set": line_set})


@permission("salesapp.add_standardlineset")
def line_set_create(request):
    return _form_page(request, None)


@permission("salesapp.change_standardlineset")
def line_set_update(request, pk: int):
    return _form_page(request, _set_or_404(pk))


@permission("salesapp.change_standardlineset")
@require_POST
def line_set_deactivate(request, pk: int):
    line_set = _set_or_404(pk)
    run_action(
        request,
        lambda: standard_line_set_update(line_set=line_set, active=False, by=request.user),
        success=_("Standard line set %(name)s deactivated.") % {"name": line_set.name},
    )
    return redirect("salesapp:line_set_detail", pk=pk)
