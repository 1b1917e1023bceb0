"""Customer forms: they parse what the clerk typed; the services judge it."""

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteField, Lookup
from marketing.forms.parties import PARTY_LOOKUP
from marketing.models import Party
from salesapp.forms.fields import YES_NO_ALL, yes_no
from salesapp.models import Customer
from salesapp.selectors.customers import prospect_list
from salesapp.services.customers import CREDIT_FIELDS, CUSTOMER_FIELDS, customer_create, customer_update


def customer_label(customer: Customer) -> str:
    return f"{customer.number} {customer.party.name}"


# Customers are found by number or name (salesapp:customer_suggestions).
CUSTOMER_LOOKUP = Lookup(
    url="salesapp:customer_suggestions",
    number="number",
    names=(),
    label=customer_label,
    noun=_("customer"),
    related=("party_id", Party.objects.all, "name"),
)


def customer_blocked_refusal(customer: Customer) -> str:
    return _("customer %(number)s is blocked: choose another customer.") % {"number": customer.number}


def credit_fields_lock(form: forms.Form, *, editable: bool) -> None:
    """Show credit terms read-only to a user whose role may not set them (the service refuses them anyway)."""
    if editable:
        return
    for name in CREDIT_FIELDS:
        if name in form.fields:
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Set by billing or a sales manager.")


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    blocked = forms.ChoiceField(label=_("Blocked"), required=False, choices=YES_NO_ALL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Number, name or city"), type="search", autofocus=True)

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        wanted = self.cleaned_data if self.is_valid() else {}
        return {"search": wanted.get("q", "").strip(), "blocked": yes_no(wanted.get("blocked", ""))}


# Prospects (parties without a customer account) are offered by salesapp, which knows the accounts.
PROSPECT_LOOKUP = dataclasses.replace(PARTY_LOOKUP, url="salesapp:prospect_suggestions")


def prospect_refusal(party: Party) -> str:
    return _("%(name)s has a customer account already.") % {"name": party.name}


class CustomerCreateForm(forms.ModelForm):
    party = AutocompleteField(
        label=_("Party"),
        lookup=PROSPECT_LOOKUP,
        queryset=prospect_list(),
        everything=Party.objects.all(),
        refusal=prospect_refusal,
        help_text=_("Only prospects are offered: a party has at most one customer account."),
    )

    class Meta:
        model = Customer
        fields = [
            "party",
            "currency",
            "price_group",
            "tax_group",
            "invoice_monthly",
            "payment_terms_days",
            "credit_limit",
            "approval_threshold",
            "prepayment_required",
        ]

    def __init__(self, *args, credit_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        first = "currency" if self.initial.get("party") else "party"
        self.fields[first].widget.attrs["autofocus"] = True
        credit_fields_lock(self, editable=credit_editable)

    def save(self, *, by) -> Customer:
        return customer_create(by=by, **self.cleaned_data)


class CustomerUpdateForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)

    def __init__(self, *args, credit_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget.attrs["autofocus"] = True
        credit_fields_lock(self, editable=credit_editable)

    def save(self, *, by) -> Customer:
        return customer_update(customer=self.instance, by=by, **self.cleaned_data)
