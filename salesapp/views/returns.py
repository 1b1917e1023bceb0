"""Returning goods: the page that enters a returned order for lines of a delivered order."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.web import permission
from salesapp.forms.returns import ReturnedOrderForm
from salesapp.models import SalesOrder
from salesapp.selectors import orders as order_selectors
from salesapp.selectors.returns import returnable_quantities
from salesapp.services.returns import returned_order_create as returned_order_create_service


@permission("salesapp.add_salesorder")
@require_http_methods(["GET", "POST"])
def returned_order_create(request, pk: int):
    try:
        order = order_selectors.order_get(pk=pk)
    except SalesOrder.DoesNotExist:
        raise Http404(_("No such sales order.")) from None
    lines = list(order.lines.all())
    returnable = returnable_quantities([line.pk for line in lines if line.qty_delivered > 0])
    form = ReturnedOrderForm(request.POST or None, lines=lines, returnable=returnable)
    if request.method == "POST" and form.is_valid():
        try:
            returned = returned_order_create_service(
                order=order,
                quantities=form.quantities(),
                return_reason=form.cleaned_data["return_reason"],
                by=request.user,
            )
        except DomainError as exc:
            form.errors_apply(exc)
        else:
            messages.success(
                request,
                _("Returned order %(number)s created with RMA number %(rma)s: confirm it, then receive the goods.")
                % {"number": returned.number, "rma": returned.rma_number},
            )
            return redirect("salesapp:order_detail", pk=returned.pk)
    refusal = (
        None if form.lines else _("Nothing delivered on order %(number)s is left to return.") % {"number": order.number}
    )
    context = {
        "order": order,
        "form": form,
        "refusal": refusal,
        "delivery_address": order_selectors.delivery_address_lines(order),
    }
    return render(request, "salesapp/returned_order_create.html", context)
