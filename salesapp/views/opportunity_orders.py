"""The sales order made from an opportunity page: the button posts here and the clerk lands on the new order."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.web import permission
from marketing.models import Opportunity
from salesapp.services.opportunity_orders import order_create_for_opportunity as create_order


@permission("salesapp.add_salesorder")
@require_POST
def order_create_for_opportunity(request, pk: int):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    try:
        order = create_order(opportunity=opportunity, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("marketing:opportunity_detail", pk=opportunity.pk)
    messages.success(
        request,
        _("Sales order %(number)s created for opportunity %(opportunity)s: add its lines.")
        % {"number": order.number, "opportunity": opportunity.number},
    )
    return redirect("salesapp:order_detail", pk=order.pk)
