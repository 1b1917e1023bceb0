"""Sales order pages: the list, the order entry form, the order page and the actions run from it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.concurrency import PreconditionFailed
from core.errors import DomainError, ValidationFailed
from core.external_references import external_references_of
from core.listing import Column, choice_labels, list_response, row_query, row_url
from core.pdf import pdf_response
from core.selectors import transition_log_for
from core.web import (
    PageActions,
    form_add_domain_error,
    page_actions,
    page_panels,
    panel_rows,
    permission,
    run_action,
    status_steps,
)
from core.web_versions import version_conflict_show, version_expected, version_field_add
from marketing.selectors.activities import activities_open_for, activities_url, document_key
from salesapp.choices import OrderState, OrderType
from salesapp.documents import order_confirmation_pdf
from salesapp.forms.line_supply import LineSupplyForm
from salesapp.forms.orders import (
    OrderFilterForm,
    OrderHeaderForm,
    OrderLineForm,
    OrderLineFormSet,
    OrderUpdateForm,
    ShipDateForm,
    order_errors_apply,
    order_type_choices,
)
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.order_types import policy_for
from salesapp.selectors import orders as order_selectors
from salesapp.selectors.order_confirmations import confirmation_list
from salesapp.selectors.promising import line_promises, promised_lines
from salesapp.services import approvals as approval_services
from salesapp.services import order_confirmations, order_remainders
from salesapp.services import orders as order_services
from salesapp.services.line_supply import line_supply_refusal
from salesapp.views.line_entry import line_preview_context, line_previews_for, line_promises_of
from salesapp.views.suggestions import order_suggestions_context

# The order's main road; canceled replaces it when the order is canceled, and the approval step shows while an
# order waits for it.
STATUS_STEPS = [OrderState.OPEN, OrderState.CONFIRMED, OrderState.DELIVERED, OrderState.INVOICED]
APPROVAL_STEPS = [OrderState.OPEN, OrderState.PENDING_APPROVAL, *STATUS_STEPS[1:]]


def _order_or_404(pk: int) -> SalesOrder:
    try:
        return order_selectors.order_get(pk=pk)
    except SalesOrder.DoesNotExist:
        raise Http404(_("No such sales order.")) from None


def order_steps(order: SalesOrder) -> list[dict]:
    if order.state == OrderState.CANCELED:
        return status_steps(order.state, [OrderState.CANCELED])
    return status_steps(order.state, APPROVAL_STEPS if order.state == OrderState.PENDING_APPROVAL else STATUS_STEPS)


def order_actions(order: SalesOrder, user) -> PageActions:
    return page_actions(order, user=user, url=lambda name: reverse(f"salesapp:order_{name}", args=[order.pk]))


def order_context(request, order: SalesOrder, *, line_form: OrderLineForm | None = None) -> dict:
    page = order_actions(order, request.user)
    editable = order.refusal_reason("edit") is None and request.user.has_perm("salesapp.change_salesorder")
    if editable and line_form is None:
        line_form = OrderLineForm(prefix="add")
    lines = list(order.lines.all())
    supply_settable = (
        order.state == OrderState.CONFIRMED
        and not policy_for(order.order_type).receives
        and request.user.has_perm("salesapp.add_inboundsupplyline")
    )
    supply_lines = order_selectors.order_supply_lines(order) if order.state != OrderState.OPEN else {}
    for line in lines:
        # What the vendor supplies for the line, and the form that orders it (salesapp.services.line_supply).
        line.vendor_supply = supply_lines.get(line.pk)
        line.supply_form = (
            LineSupplyForm(prefix=f"supply-{line.pk}")
            if supply_settable and line.vendor_supply is None and line_supply_refusal(line) is None
            else None
        )
    _promises_attach(order, lines)
    return {
        **order_suggestions_context(request, order, lines, editable=editable),
        "order": order,
        "external_references": external_references_of(order),
        # A returned order's ledger reads as receiving and crediting.
        "receives": policy_for(order.order_type).receives,
        "delivery_address": order_selectors.delivery_address_lines(order),
        "lines": lines,
        "progress": order_selectors.order_progress(order),
        "steps": order_steps(order),
        "page": page,
        "actions": page.allowed,
        "refusals": page.refusals,
        "editable": editable,
        "line_form": line_form if editable else None,
        # Per-line "close short" forms: a confirmed order's undelivered lines (salesapp.services.order_remainders).
        "closable": order.state == OrderState.CONFIRMED
        and request.user.has_perm("salesapp.close_remainder_salesorder"),
        "confirmations": confirmation_list(order) if request.user.has_perm("salesapp.view_orderconfirmation") else [],
        "order_types": order_type_choices(),
        "promisable": order.state in (OrderState.OPEN, OrderState.CONFIRMED)
        and request.user.has_perm("salesapp.change_salesorder"),
    }


def _promises_attach(order: SalesOrder, lines: list) -> None:
    """A confirmed order's lines waiting for stock with no confirmed ship date get ``promise``: the first date
    their remainder is available to promise, or what is short (three queries for the whole order)."""
    if order.state != OrderState.CONFIRMED:
        return
    waiting = promised_lines(order)
    promises = line_promises(order, waiting) if waiting else {}
    for line in lines:
        line.promise = promises.get(line.pk)


def _lines_fragment(request, pk: int, *, line_form: OrderLineForm | None = None):
    """The lines, totals and add-line form, plus the status and actions swapped out of band (they change too)."""
    order = _order_or_404(pk)
    if line_form is None:
        line_form = OrderLineForm(prefix="add")
        line_form.fields["item"].widget.attrs["autofocus"] = True
    context = order_context(request, order, line_form=line_form)
    return render(request, "salesapp/includes/order_lines.html", {**context, "oob": True})


# The order list's columns, in the page's order; the CSV has the same ones plus the currency.
ORDER_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda order: order.number),
    Column("customer", gettext_lazy("Customer"), lambda order: order.customer.party.name),
    Column("customer_number", gettext_lazy("Customer number"), lambda order: order.customer.number, page=False),
    Column("customer_reference", gettext_lazy("Customer reference"), lambda order: order.customer_reference),
    Column("order_date", gettext_lazy("Order date"), lambda order: order.order_date),
    Column("state", gettext_lazy("Status"), lambda order: order.get_state_display()),
    Column("currency", gettext_lazy("Currency"), lambda order: order.currency, page=False),
    Column("total", gettext_lazy("Total"), lambda order: order.amount_total, css="num"),
]


def _order_rows(request):
    """What the order list shows beside each row's fields, with the links built once per page."""
    detail_url = row_url("salesapp:order_detail")
    customer_filter_url = row_query(request, "customer")
    state_labels = choice_labels(SalesOrder, "state")

    def rows(orders) -> list[SalesOrder]:
        orders = order_selectors.orders_mark_deliveries(orders)
        for order in orders:
            order.detail_url = detail_url(order.pk)
            order.customer_filter_url = customer_filter_url(order.customer_id)
            order.state_label = state_labels.get(order.state, order.state)
        return orders

    return rows


@permission("salesapp.view_salesorder")
@require_GET
def order_list(request):
    filter_form = OrderFilterForm(request.GET)
    filters = filter_form.filters()
    orders = order_selectors.order_list(**filters, ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=orders,
        columns=ORDER_COLUMNS,
        sorts=order_selectors.ORDER_SORTS,
        template="salesapp/order_list.html",
        filename="sales-orders",
        form=filter_form,
        context={"filter_form": filter_form, "customer_id": filters["customer_id"]},
        page_rows=_order_rows(request),
    )


@permission("salesapp.add_salesorder")
@require_http_methods(["GET", "POST"])
def order_create(request):
    if request.method == "POST":
        header = OrderHeaderForm(request.POST)
        lines = OrderLineFormSet(request.POST, prefix="lines")
        if header.is_valid() and lines.is_valid() and _prices_confirmed(header.cleaned_data["customer"], lines):
            filled = lines.filled_forms()
            data = header.cleaned_data
            try:
                order = order_services.order_create(
                    customer=data["customer"],
                    lines=[form.line_input() for form in filled],
                    by=request.user,
                    order_type=data["order_type"],
                    requested_ship_date=data["requested_ship_date"],
                    customer_reference=data["customer_reference"],
                    external_document_number=data["external_document_number"],
                    payment_terms_days=data["payment_terms_days"],
                    billing_period=data["billing_period"],
                    next_billing_date=data["next_billing_date"],
                    subscription_end_date=data["subscription_end_date"],
                )
            except DomainError as exc:
                order_errors_apply(exc, header=header, line_forms=filled)
            else:
                messages.success(request, _("Sales order %(number)s created.") % {"number": order.number})
                return redirect("salesapp:order_detail", pk=order.pk)
    else:
        header = OrderHeaderForm(initial={"customer": request.GET.get("customer")})
        lines = OrderLineFormSet(prefix="lines")
        if request.GET.get("customer"):
            # The customer is chosen already: start typing the first line.
            header.fields["customer"].widget.attrs.pop("autofocus", None)
            lines.forms[0].fields["item"].widget.attrs["autofocus"] = True
    return render(request, "salesapp/order_create.html", {"header": header, "lines": lines})


def _previews(customer, forms_: list, *, date=None, currency=None):
    return line_previews_for(
        forms_, customer=customer, date=date or timezone.localdate(), currency=currency or customer.currency
    )


def _prices_confirmed(customer, lines) -> bool:
    """Every line priced at zero or below cost has its confirmation ticked; the others get the reason."""
    filled = lines.filled_forms()
    previews, _totals = _previews(customer, filled)
    return all([form.price_confirmation_check(preview) for form, preview in zip(filled, previews, strict=True)])


@permission("salesapp.add_salesorder")
@require_GET
def order_create_preview(request):
    """The lines of the order entry form as they will be saved (price, discount, source, tax code, net) and the
    order's totals, while the clerk types (htmx); nothing is saved."""
    header = OrderHeaderForm(request.GET)
    lines = OrderLineFormSet(request.GET, prefix="lines")
    header.is_valid()
    lines.is_valid()
    customer = header.cleaned_data.get("customer")
    complete = [form for form in lines.forms if form.has_changed() and not form.errors and form.cleaned_data]
    context = {"previews": [], "totals": None, "customer": customer}
    if customer is not None and complete:
        previews, totals = _previews(customer, complete)
        # Each line with the date its goods are available to promise, from the order's requested ship date.
        promises = line_promises_of(previews, header.cleaned_data.get("requested_ship_date"))
        context.update(
            previews=previews,
            rows=list(zip(previews, promises, strict=True)),
            totals=totals,
            currency=customer.currency,
        )
    return render(request, "salesapp/includes/order_form_preview.html", context)


@permission("salesapp.change_salesorder")
@require_GET
def order_line_preview(request, pk: int):
    """The line being added on the order page as it will be saved, and the order's totals with it (htmx)."""
    order = _order_or_404(pk)
    context = line_preview_context(
        OrderLineForm(request.GET, prefix="add"),
        customer=order.customer,
        date=order.order_date,
        currency=order.currency,
        existing=order.lines.select_related("tax_code"),
        ship_date=order.requested_ship_date,
    )
    return render(request, "salesapp/includes/line_preview.html", context)


@permission("salesapp.add_salesorder")
@require_GET
def order_create_line(request):
    """One more empty line row for the order entry form (htmx), with the formset's new row count."""
    try:
        index = int(request.GET.get("lines-TOTAL_FORMS", "1"))
    except ValueError:
        index = 1
    lines = OrderLineFormSet(prefix="lines")
    index = max(0, min(index, lines.max_num - 1))
    form = lines.form(
        auto_id=lines.auto_id,
        prefix=lines.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        **lines.form_kwargs,
    )
    form.fields["item"].widget.attrs["autofocus"] = True
    return render(request, "salesapp/includes/order_form_line.html", {"form": form, "total_forms": index + 1})


def _detail_page(request, pk: int, *, line_form: OrderLineForm | None = None):
    order = _order_or_404(pk)
    context = order_context(request, order, line_form=line_form)
    context["packing_slips"] = list(order.packing_slips.order_by("-id"))
    context["panels"] = page_panels(order, user=request.user)
    context["transitions"] = transition_log_for(order)
    # Calls and tasks about this order (a delivery date to confirm, a complaint to follow up).
    # Bounded: the rest are in the customer's open activities.
    context["activities"] = panel_rows(
        activities_open_for(document=order), url=activities_url(party_id=order.customer.party_id)
    )
    context["activity_query"] = urlencode({"party": order.customer.party_id, "document": document_key(order)})
    return render(request, "salesapp/order_detail.html", context)


@permission("salesapp.view_salesorder")
@require_GET
def order_detail(request, pk: int):
    return _detail_page(request, pk)


@permission("salesapp.change_salesorder")
@require_POST
def order_confirm(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    try:
        order = order_services.order_confirm(order=order, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        if order.state == OrderState.PENDING_APPROVAL:
            messages.warning(
                request,
                _("Order %(number)s waits for a sales manager's approval: %(reason)s")
                % {"number": order.number, "reason": order.approval_reason},
            )
        elif order.on_hold:
            messages.warning(
                request,
                _("Order %(number)s confirmed and held: %(reason)s.")
                % {"number": order.number, "reason": order.hold_reason},
            )
        else:
            messages.success(request, _("Order %(number)s confirmed.") % {"number": order.number})
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.change_salesorder")
@require_POST
def order_cancel(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    # The service judges the reason (its length included): a form that dropped a long one would cancel without it.
    reason = request.POST.get("reason", "")
    run_action(
        request,
        lambda: order_services.order_cancel(order=order, reason=reason, by=request.user),
        success=_("Order %(number)s canceled.") % {"number": order.number},
    )
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.change_salesorder")
@require_POST
def order_line_ship_date(request, pk: int, line_pk: int):
    line = get_object_or_404(SalesOrderLine, pk=line_pk, order_id=pk)
    form = ShipDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["confirmed_ship_date"][0])
        return redirect("salesapp:order_detail", pk=pk)
    run_action(
        request,
        lambda: order_services.order_line_ship_date_confirm(
            order_line=line, confirmed_ship_date=form.cleaned_data["confirmed_ship_date"], by=request.user
        ),
        success=_("Ship date of line %(line_no)s saved.") % {"line_no": line.line_no},
    )
    return redirect("salesapp:order_detail", pk=pk)


@permission("salesapp.change_salesorder")
@require_POST
def order_line_ship_date_promise(request, pk: int, line_pk: int):
    """Confirm a line's ship date as the first date its remainder is available to promise."""
    line = get_object_or_404(SalesOrderLine, pk=line_pk, order_id=pk)
    run_action(
        request,
        lambda: order_services.order_line_ship_date_promise(order_line=line, by=request.user),
        success=_("Ship date of line %(line_no)s saved.") % {"line_no": line.line_no},
    )
    return redirect("salesapp:order_detail", pk=pk)


@permission("salesapp.change_salesorder")
@require_POST
def order_change_type(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    order_type = request.POST.get("order_type", "")
    run_action(
        request,
        lambda: order_services.order_type_change(order=order, order_type=order_type, by=request.user),
        success=_("Order %(number)s is now of type %(type)s.")
        % {"number": order.number, "type": dict(OrderType.choices).get(order_type, order_type)},
    )
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.add_salesorder")
@require_POST
def order_copy(request, pk: int):
    source = get_object_or_404(SalesOrder, pk=pk)
    copied = run_action(
        request,
        lambda: order_services.order_copy(order=source, by=request.user),
        success=_("Order %(number)s copied into a new open order; prices are today's.") % {"number": source.number},
    )
    return redirect("salesapp:order_detail", pk=copied.pk if copied else source.pk)


@permission("salesapp.view_salesorder")
@require_GET
def order_confirmation_pdf_view(request, pk: int):
    """The order confirmation as it stands now (what sending it would attach)."""
    order = _order_or_404(pk)
    content, filename = order_confirmation_pdf(order)
    return pdf_response(content, filename)


@permission("salesapp.send_orderconfirmation")
@require_POST
def order_confirmation_send(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    run_action(
        request,
        lambda: order_confirmations.order_confirmation_send(
            order=order, to=request.POST.get("to", ""), by=request.user
        ),
        success=_("The confirmation of order %(number)s is on its way; it shows under “Confirmations” once sent.")
        % {"number": order.number},
    )
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.close_remainder_salesorder")
@require_POST
def order_close_remainder(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    run_action(
        request,
        lambda: order_remainders.order_remainder_close(
            order=order, reason=request.POST.get("reason", ""), by=request.user
        ),
        success=_("The undelivered remainder of order %(number)s is closed.") % {"number": order.number},
    )
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.close_remainder_salesorder")
@require_POST
def order_line_close_remainder(request, pk: int, line_pk: int):
    line = get_object_or_404(SalesOrderLine, pk=line_pk, order_id=pk)
    run_action(
        request,
        lambda: order_remainders.order_line_remainder_close(
            order_line=line, reason=request.POST.get("reason", ""), by=request.user
        ),
        success=_("The undelivered remainder of line %(line_no)s is closed.") % {"line_no": line.line_no},
    )
    return redirect("salesapp:order_detail", pk=pk)


@permission("salesapp.change_salesorder")
@require_POST
def order_line_add(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    form = OrderLineForm(request.POST, prefix="add")
    added = None
    if form.is_valid() and form.price_confirmation_check(
        _previews(order.customer, [form], date=order.order_date, currency=order.currency)[0][0]
    ):
        try:
            added = order_services.order_line_add(order=order, line=form.line_input(), by=request.user)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            # Not about what was typed (the order moved on): say it where page messages go.
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("Line %(no)s added.") % {"no": added.line_no})
    if request.htmx:
        return _lines_fragment(request, pk, line_form=None if added else form)
    if added or not form.errors:
        return redirect("salesapp:order_detail", pk=order.pk)
    # Without htmx the page is shown again with what was typed and the errors beside it.
    return _detail_page(request, pk, line_form=form)


@permission("salesapp.change_salesorder")
@require_POST
def order_line_remove(request, pk: int, line_pk: int):
    line = get_object_or_404(SalesOrderLine, pk=line_pk, order_id=pk)
    run_action(
        request,
        lambda: order_services.order_line_remove(order_line=line, by=request.user),
        success=_("Line %(no)s removed.") % {"no": line.line_no},
    )
    if request.htmx:
        return _lines_fragment(request, pk)
    return redirect("salesapp:order_detail", pk=pk)


@permission("salesapp.change_salesorder")
@require_http_methods(["GET", "POST"])
def order_update(request, pk: int):
    """The header of an open order (type, requested ship date, references): a small form the order page loads,
    or a page of its own without htmx."""
    order = _order_or_404(pk)
    form = OrderUpdateForm(request.POST if request.method == "POST" else None, order=order)
    version_field_add(form, order)
    if request.method == "POST" and form.is_valid():
        try:
            with version_expected(form, order):
                order_services.order_update(order=order, by=request.user, **form.cleaned_data)
        except PreconditionFailed as exc:
            version_conflict_show(form, exc, order)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            # Not about what was typed (the order moved on): say it where page messages go.
            messages.error(request, exc.reason)
            return redirect("salesapp:order_detail", pk=order.pk)
        else:
            messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
            return redirect("salesapp:order_detail", pk=order.pk)
    fragment = request.htmx and request.method == "GET"
    template = "salesapp/includes/order_header_form.html" if fragment else "salesapp/order_update.html"
    return render(request, template, {"order": order, "form": form})


def _approval_decide(request, pk: int, *, approve: bool):
    """Approve or reject an order with the comment typed beside the button; back to where the form was."""
    order = get_object_or_404(SalesOrder, pk=pk)
    comment = request.POST.get("reason", "")  # judged by the service, as typed
    if approve:
        run_action(
            request,
            lambda: approval_services.order_approve(order=order, by=request.user, comment=comment),
            success=_("Order %(number)s approved.") % {"number": order.number},
        )
    else:
        run_action(
            request,
            lambda: approval_services.order_reject(order=order, by=request.user, comment=comment),
            success=_("Order %(number)s rejected: it is open again for the clerk.") % {"number": order.number},
        )
    if request.POST.get("back") == "queue":
        return redirect("salesapp:approval_queue")
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.approve_salesorder")
@require_POST
def order_approve(request, pk: int):
    return _approval_decide(request, pk, approve=True)


@permission("salesapp.approve_salesorder")
@require_POST
def order_reject(request, pk: int):
    return _approval_decide(request, pk, approve=False)


@permission("salesapp.hold_salesorder")
@require_POST
def order_hold(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    reason = request.POST.get("reason", "")  # judged by the service, as typed
    run_action(
        request,
        lambda: order_services.order_hold(order=order, reason=reason, by=request.user),
        success=_("Order %(number)s is on hold.") % {"number": order.number},
    )
    return redirect("salesapp:order_detail", pk=order.pk)


@permission("salesapp.hold_salesorder")
@require_POST
def order_release_hold(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    run_action(
        request,
        lambda: order_services.order_release_hold(order=order, by=request.user),
        success=_("Order %(number)s released from hold.") % {"number": order.number},
    )
    return redirect("salesapp:order_detail", pk=order.pk)
