"""Packing slip pages: the list, shipping an order's lines, and posting or deleting a draft."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.listing import Column, list_response
from core.pdf import pdf_response
from core.selectors import transition_log_for
from core.web import page_actions, permission, run_action, status_steps
from salesapp.choices import PackingSlipState
from salesapp.documents import delivery_note_pdf
from salesapp.forms.packing_slips import PackingSlipCreateForm, PackingSlipFilterForm
from salesapp.models import PackingSlip, SalesOrder
from salesapp.order_types import policy_for
from salesapp.selectors import orders as order_selectors
from salesapp.selectors import packing_slips as packing_slip_selectors
from salesapp.services import packing_slips as packing_slip_services
from salesapp.services import shipping_notices
from salesapp.services.stock import moves_stock


def _order_from_query(request) -> SalesOrder:
    try:
        return order_selectors.order_get(pk=int(request.GET.get("order", "")))
    except (ValueError, SalesOrder.DoesNotExist):
        raise Http404(_("Choose the sales order to deliver.")) from None


def _slip_or_404(pk: int) -> PackingSlip:
    return get_object_or_404(PackingSlip.objects.select_related("order__customer__party", "created_by"), pk=pk)


PACKING_SLIP_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda slip: slip.number),
    Column("order", gettext_lazy("Sales order"), lambda slip: slip.order.number),
    Column("customer", gettext_lazy("Customer"), lambda slip: slip.order.customer.party.name),
    Column("customer_number", gettext_lazy("Customer number"), lambda slip: slip.order.customer.number, page=False),
    Column("ship_date", gettext_lazy("Ship date"), lambda slip: slip.ship_date),
    Column("state", gettext_lazy("Status"), lambda slip: slip.get_state_display()),
]


@permission("salesapp.view_packingslip")
@require_GET
def packing_slip_list(request):
    filter_form = PackingSlipFilterForm(request.GET)
    try:
        order_id = int(request.GET.get("order", ""))
    except ValueError:
        order_id = None
    slips = packing_slip_selectors.packing_slip_list(
        **filter_form.filters(), order_id=order_id, ordering=request.GET.get("sort", "")
    )
    return list_response(
        request,
        queryset=slips,
        columns=PACKING_SLIP_COLUMNS,
        sorts=packing_slip_selectors.PACKING_SLIP_SORTS,
        template="salesapp/packing_slip_list.html",
        filename="packing-slips",
        form=filter_form,
        context={"filter_form": filter_form},
    )


@permission("salesapp.add_packingslip")
@require_http_methods(["GET", "POST"])
def packing_slip_create(request):
    order = _order_from_query(request)
    receives = policy_for(order.order_type).receives
    lines = list(order.lines.select_related("item"))
    for line in lines:
        # What can go out now: the line's own reservation and the item's stock promised to no one.
        line.available = line.qty_reserved + line.item.free if not receives and moves_stock(line) else None
    form = PackingSlipCreateForm(request.POST or None, lines=lines, receives=receives)
    if request.method == "POST" and form.is_valid():
        try:
            slip = packing_slip_services.packing_slip_create(
                order=order,
                quantities=form.quantities(),
                ship_date=form.cleaned_data["ship_date"],
                dispositions=form.dispositions(),
                by=request.user,
            )
        except DomainError as exc:
            form.errors_apply(exc)
        else:
            if receives:
                messages.success(request, _("Draft return receipt created: check it and post it to receive."))
            else:
                messages.success(request, _("Draft packing slip created: check it and post it to ship."))
            return redirect("salesapp:packing_slip_detail", pk=slip.pk)
    context = {"order": order, "form": form, "receives": receives, "refusal": order.refusal_reason("deliver")}
    return render(request, "salesapp/packing_slip_create.html", context)


# A slip's road; canceled ends it after posting.
_SLIP_ROADS = {
    False: [PackingSlipState.DRAFT, PackingSlipState.POSTED],
    True: [PackingSlipState.DRAFT, PackingSlipState.POSTED, PackingSlipState.CANCELED],
}


@permission("salesapp.view_packingslip")
@require_GET
def packing_slip_detail(request, pk: int):
    slip = _slip_or_404(pk)
    page = page_actions(slip, user=request.user, url=lambda name: reverse(f"salesapp:packing_slip_{name}", args=[pk]))
    context = {
        "slip": slip,
        "lines": list(slip.lines.select_related("order_line__item")),
        "page": page,
        "can_post": page.allowed.get("post", False),
        "can_delete": page.allowed.get("delete", False),
        "refusals": page.refusals,
        "steps": status_steps(slip.state, _SLIP_ROADS[slip.state == PackingSlipState.CANCELED]),
        "transitions": transition_log_for(slip),
        **_notices(request, slip),
    }
    return render(request, "salesapp/packing_slip_detail.html", context)


def _notices(request, slip: PackingSlip) -> dict:
    """The shipping notices of a posted delivery, and why none went when the customer has no email address."""
    if slip.state == PackingSlipState.DRAFT or slip.is_return_receipt:
        return {"notices": [], "no_notice_reason": None}
    notices = packing_slip_selectors.shipping_notice_list(slip=slip)
    reason = None
    party = slip.order.customer.party
    if not notices and not party.email:
        reason = _(
            "No shipping notice was sent: %(name)s has no email address. Add one to the customer, then send it."
        ) % {"name": party.name}
    return {"notices": notices, "no_notice_reason": reason}


@permission("salesapp.change_packingslip")
@require_POST
def packing_slip_post(request, pk: int):
    slip = get_object_or_404(PackingSlip.objects.select_related("order"), pk=pk)
    run_action(
        request,
        lambda: packing_slip_services.packing_slip_post(packing_slip=slip, by=request.user),
        success=_("Return receipt posted: the returned quantities are updated.")
        if policy_for(slip.order.order_type).receives
        else _("Packing slip posted: the order's delivered quantities are updated."),
    )
    return redirect("salesapp:packing_slip_detail", pk=slip.pk)


@permission("salesapp.delete_packingslip")
@require_POST
def packing_slip_delete(request, pk: int):
    slip = get_object_or_404(PackingSlip, pk=pk)
    run_action(
        request,
        lambda: packing_slip_services.packing_slip_delete(packing_slip=slip, by=request.user),
        success=_("Draft packing slip deleted."),
    )
    if PackingSlip.objects.filter(pk=slip.pk).exists():
        return redirect("salesapp:packing_slip_detail", pk=slip.pk)
    return redirect("salesapp:order_detail", pk=slip.order_id)


@permission("salesapp.change_packingslip")
@require_POST
def packing_slip_cancel(request, pk: int):
    slip = get_object_or_404(PackingSlip, pk=pk)
    # The service judges the reason (required, its length): the page shows its refusal as a message.
    reason = request.POST.get("reason", "")
    run_action(
        request,
        lambda: packing_slip_services.packing_slip_cancel(packing_slip=slip, reason=reason, by=request.user),
        success=_("Packing slip %(number)s canceled: its quantities are back on the order.") % {"number": slip.number},
    )
    return redirect("salesapp:packing_slip_detail", pk=slip.pk)


@permission("salesapp.view_packingslip")
@require_GET
def packing_slip_pdf(request, pk: int):
    slip = _slip_or_404(pk)
    try:
        content, filename = delivery_note_pdf(slip)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("salesapp:packing_slip_detail", pk=slip.pk)
    return pdf_response(content, filename)


@permission("salesapp.send_shippingnotice")
@require_POST
def packing_slip_notify(request, pk: int):
    slip = get_object_or_404(PackingSlip, pk=pk)
    run_action(
        request,
        lambda: shipping_notices.shipping_notice_send(
            packing_slip=slip, to=request.POST.get("to", ""), by=request.user
        ),
        success=_("The shipping notice of %(number)s is on its way; it shows under “Shipping notices” once sent.")
        % {"number": slip.number},
    )
    return redirect("salesapp:packing_slip_detail", pk=slip.pk)
