"""Quotation forms: they parse what the clerk typed; the services judge it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.listing import record_field
from core.widgets import AutocompleteField
from marketing.models import Party
from salesapp.choices import QuotationLostReason, QuotationState
from salesapp.forms.customers import CUSTOMER_LOOKUP, PROSPECT_LOOKUP, customer_blocked_refusal, prospect_refusal
from salesapp.forms.orders import OrderLineForm
from salesapp.forms.widgets import DateInput
from salesapp.models import Customer
from salesapp.selectors.customers import customer_list, prospect_list
from salesapp.services.quotations import QuotationLineInput


class QuotationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, customer, prospect, reference")}),
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + QuotationState.choices)
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    party = record_field(Party.objects.all(), label=_("Party"))
    owner = record_field(get_user_model().objects.filter(is_active=True), label=_("Owner"))
    expiring = forms.IntegerField(label=_("Expiring within (days)"), required=False, min_value=0, max_value=365)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
            "customer_id": data["customer"].pk if data.get("customer") else None,
            "party_id": data["party"].pk if data.get("party") else None,
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "expiring_within_days": data.get("expiring"),
        }


class QuotationCreateForm(forms.Form):
    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=customer_list(blocked=False),
        everything=Customer.objects.select_related("party"),
        refusal=customer_blocked_refusal,
        params={"blocked": "0"},
        required=False,
    )
    party = AutocompleteField(
        label=_("Or a prospect"),
        lookup=PROSPECT_LOOKUP,
        queryset=prospect_list(),
        everything=Party.objects.all(),
        refusal=prospect_refusal,
        required=False,
        help_text=_("A party without a customer account: it becomes a customer when it accepts."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=DateInput(), help_text=_("Blank: the usual validity.")
    )
    requested_ship_date = forms.DateField(label=_("Requested ship date"), required=False, widget=DateInput())
    external_document_number = forms.CharField(label=_("External document number"), required=False, max_length=100)
    terms = forms.CharField(label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QuotationUpdateForm(forms.Form):
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    requested_ship_date = forms.DateField(label=_("Requested ship date"), required=False, widget=DateInput())
    external_document_number = forms.CharField(label=_("External document number"), required=False, max_length=100)
    terms = forms.CharField(label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QuotationLineForm(OrderLineForm):
    """The order's add-line form (engine price unless typed, a zero or below-cost price confirmed first), making
    a quotation line."""

    def line_input(self) -> QuotationLineInput:
        return QuotationLineInput(**self._line_values())


class QuotationAcceptForm(forms.Form):
    revision = forms.IntegerField(label=_("Revision accepted"), min_value=1)
    # Judged by the service, which names the documents a quotation converts into.
    convert_to = forms.CharField(label=_("Convert into"), required=False, max_length=30)


class QuotationLoseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=QuotationLostReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class RevisionCompareForm(forms.Form):
    a = forms.IntegerField(label=_("Revision"), min_value=1)
    b = forms.IntegerField(label=_("with revision"), min_value=1)
