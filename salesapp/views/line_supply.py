"""An order line ordered from a vendor, from the order page's line menu."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.web import permission, run_action
from salesapp.forms.line_supply import LineSupplyForm
from salesapp.models import SalesOrderLine
from salesapp.services.line_supply import order_line_supply_set


@permission("salesapp.add_inboundsupplyline")
@require_POST
def order_line_supply(request, pk: int, line_pk: int):
    line = get_object_or_404(SalesOrderLine, pk=line_pk, order_id=pk)
    form = LineSupplyForm(request.POST, prefix=f"supply-{line.pk}")
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form[name].label}: {error}")
        return redirect("salesapp:order_detail", pk=pk)
    data = form.cleaned_data
    run_action(
        request,
        lambda: order_line_supply_set(
            order_line=line,
            supply=data["supply"],
            vendor=data["vendor"],
            expected_date=data["expected_date"],
            reference=data["reference"],
            by=request.user,
        ),
        success=_("Line %(line_no)s is ordered from %(vendor)s.")
        % {"line_no": line.line_no, "vendor": data["vendor"].name},
    )
    return redirect("salesapp:order_detail", pk=pk)
