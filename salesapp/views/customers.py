"""Customer pages: the list, the account page and the create and edit forms."""

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.listing import Column, list_response, row_url
from core.web import PANEL_ROWS, form_save, page_panels, permission
from core.web_versions import version_field_add
from core.widgets import suggestions_response
from marketing.models import Party
from salesapp.forms.customers import (
    CUSTOMER_LOOKUP,
    PROSPECT_LOOKUP,
    CustomerCreateForm,
    CustomerFilterForm,
    CustomerUpdateForm,
)
from salesapp.models import Customer
from salesapp.selectors import backorders as backorder_selectors
from salesapp.selectors import customers as customer_selectors
from salesapp.services.customers import CREDIT_PERMISSION

RECENT_ORDERS = 10


CUSTOMER_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda customer: customer.number),
    Column("name", gettext_lazy("Name"), lambda customer: customer.party.name),
    Column("city", gettext_lazy("City"), lambda customer: customer.party.city),
    Column("currency", gettext_lazy("Currency"), lambda customer: customer.currency),
    Column("payment_terms", gettext_lazy("Payment terms"), lambda customer: customer.payment_terms_days, css="num"),
    Column("credit_limit", gettext_lazy("Credit limit"), lambda customer: customer.credit_limit, css="num"),
    Column("blocked", gettext_lazy("Blocked"), lambda customer: customer.blocked),
]


@permission("salesapp.view_customer")
def customer_list(request):
    filters = CustomerFilterForm(request.GET)
    customers = customer_selectors.customer_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=customers,
        columns=CUSTOMER_COLUMNS,
        sorts=customer_selectors.CUSTOMER_SORTS,
        template="salesapp/customer_list.html",
        filename="customers",
        form=filters,
        context={"filters": filters},
    )


@permission("salesapp.view_customer")
@require_GET
def customer_suggestions(request):
    """Customers matching what is typed, for a form's customer field; ``blocked=0`` leaves blocked ones out."""
    blocked = False if request.GET.get("blocked") == "0" else None
    customers = customer_selectors.customer_list(blocked=blocked)
    return suggestions_response(CUSTOMER_LOOKUP, customers, request.GET.get("q", ""))


@permission("salesapp.add_customer")
@require_GET
def prospect_suggestions(request):
    """Parties without a customer account matching what is typed, for the new-customer form."""
    prospects = customer_selectors.prospect_list()
    return suggestions_response(PROSPECT_LOOKUP, prospects, request.GET.get("q", ""))


@permission("salesapp.view_customer")
def customer_detail(request, pk: int):
    customer = get_object_or_404(Customer.objects.select_related("party", "price_group", "tax_group"), pk=pk)
    orders = customer.orders.order_by("-id")[:RECENT_ORDERS]
    context = {"customer": customer, "orders": orders, "panels": page_panels(customer, user=request.user)}
    if request.user.has_perm("salesapp.view_salesorder"):
        context.update(_backorders(request, customer))
    return render(request, "salesapp/customer_detail.html", context)


def _backorders(request, customer) -> dict:
    """The customer's lines still waiting for stock, late ones first, with their ATP dates (the first rows)."""
    lines = list(backorder_selectors.backorders_by_customer(customer_id=customer.pk)[: PANEL_ROWS + 1])
    order_url = row_url("salesapp:order_detail")
    shown = backorder_selectors.lines_with_atp(lines[:PANEL_ROWS])
    for line in shown:
        line.order_url = order_url(line.order_id)
    return {
        "backorder_lines": shown,
        "backorders_more": len(lines) > PANEL_ROWS,
        "backorders_url": f"{reverse('salesapp:backorders_by_customer')}?customer={customer.pk}",
        "next": request.get_full_path(),
    }


@permission("salesapp.add_customer")
def customer_create(request):
    initial = {}
    party_pk = request.GET.get("party", "")
    if party_pk.isdigit():
        party = get_object_or_404(Party.objects.select_related("customer"), pk=party_pk)
        existing = getattr(party, "customer", None)
        if existing is not None:
            messages.info(
                request,
                _("%(party)s already has customer account %(number)s.")
                % {
                    "party": party.name,
                    "number": existing.number,
                },
            )
            return redirect("salesapp:customer_detail", pk=existing.pk)
        initial["party"] = party.pk
    form = CustomerCreateForm(
        request.POST or None, initial=initial, credit_editable=request.user.has_perm(CREDIT_PERMISSION)
    )
    saved = form_save(request, form)
    if saved is not None:
        messages.success(
            request,
            _("Customer account %(number)s created for %(party)s.")
            % {"number": saved.number, "party": saved.party.name},
        )
        return redirect("salesapp:customer_detail", pk=saved.pk)
    return render(request, "salesapp/customer_form.html", {"form": form, "customer": None})


@permission("salesapp.change_customer")
def customer_update(request, pk: int):
    customer = get_object_or_404(Customer.objects.select_related("party"), pk=pk)
    # The form writes the posted values onto its instance while validating; the page keeps the stored ones.
    form = CustomerUpdateForm(
        request.POST or None,
        instance=copy.copy(customer),
        credit_editable=request.user.has_perm(CREDIT_PERMISSION),
    )
    version_field_add(form, customer)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Customer %(number)s saved.") % {"number": saved.number})
        return redirect("salesapp:customer_detail", pk=saved.pk)
    return render(request, "salesapp/customer_form.html", {"form": form, "customer": customer})
