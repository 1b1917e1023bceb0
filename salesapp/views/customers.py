"""Customer pages: the list, the account page and the create and edit forms."""

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.web import form_save, page_panels, paginate, permission
from marketing.models import Party
from salesapp.forms.customers import CustomerCreateForm, CustomerFilterForm, CustomerUpdateForm
from salesapp.forms.fields import yes_no
from salesapp.models import Customer
from salesapp.selectors import customers as customer_selectors
from salesapp.services.customers import CREDIT_PERMISSION

RECENT_ORDERS = 10


@permission("salesapp.view_customer")
def customer_list(request):
    filters = CustomerFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    customers = customer_selectors.customer_list(
        search=wanted.get("q", "").strip(), blocked=yes_no(wanted.get("blocked", ""))
    )
    return render(
        request, "salesapp/customer_list.html", {"filters": filters, "page_obj": paginate(request, customers)}
    )


@permission("salesapp.view_customer")
def customer_detail(request, pk: int):
    customer = get_object_or_404(Customer.objects.select_related("party"), pk=pk)
    orders = customer.orders.order_by("-id")[:RECENT_ORDERS]
    context = {"customer": customer, "orders": orders, "panels": page_panels(customer, user=request.user)}
    return render(request, "salesapp/customer_detail.html", context)


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
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Customer %(number)s saved.") % {"number": saved.number})
        return redirect("salesapp:customer_detail", pk=saved.pk)
    return render(request, "salesapp/customer_form.html", {"form": form, "customer": customer})
