"""Trade agreement forms: the list's filters, one line, and the price list upload."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from core.listing import record_field
from core.money import MAX_UNIT_PRICE
from core.widgets import AutocompleteField
from salesapp.choices import AgreementAppliesTo, AgreementKind, Currency
from salesapp.forms.customers import CUSTOMER_LOOKUP
from salesapp.forms.fields import YES_NO_ALL, yes_no
from salesapp.forms.items import ITEM_LOOKUP
from salesapp.forms.widgets import QuantityInput
from salesapp.models import Customer, CustomerPriceGroup, Item, ItemGroup, TradeAgreementLine
from salesapp.services.pricing import TRADE_AGREEMENT_FIELDS, trade_agreement_line_create, trade_agreement_line_update


class TradeAgreementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *AgreementKind.choices])
    applies_to = forms.ChoiceField(
        label=_("Applies to"), required=False, choices=[("", _("Anyone")), *AgreementAppliesTo.choices]
    )
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    price_group = forms.ModelChoiceField(
        label=_("Price group"), required=False, queryset=CustomerPriceGroup.objects.all(), empty_label=_("All groups")
    )
    item = forms.ModelChoiceField(
        label=_("Item"), required=False, queryset=Item.objects.all(), widget=forms.HiddenInput
    )
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[("", _("All currencies")), *Currency.choices]
    )
    active = forms.ChoiceField(label=_("Active"), required=False, choices=YES_NO_ALL)
    valid_on = forms.DateField(
        label=_("Valid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Item, customer or group"), type="search", autofocus=True)

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"].strip(),
            "kind": data["kind"],
            "applies_to": data["applies_to"],
            "customer": data["customer"],
            "price_group": data["price_group"],
            "item": data["item"],
            "currency": data["currency"],
            "active": yes_no(data["active"]),
            "valid_on": data["valid_on"],
        }


class TradeAgreementLineForm(forms.ModelForm):
    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=Customer.objects.select_related("party"),
        required=False,
    )
    item = AutocompleteField(label=_("Item"), lookup=ITEM_LOOKUP, queryset=Item.objects.all(), required=False)

    class Meta:
        model = TradeAgreementLine
        fields = list(TRADE_AGREEMENT_FIELDS)
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "from_quantity": QuantityInput(),
            "unit_price": QuantityInput(attrs={"max": f"{MAX_UNIT_PRICE:f}"}),
            "discount_percent": QuantityInput(attrs={"max": "100"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_group"].queryset = ItemGroup.objects.all()
        self.fields["kind"].widget.attrs["autofocus"] = True

    def _post_clean(self):
        # The service judges the line (and names the field); the form only parses it.
        pass

    def save(self, *, by) -> TradeAgreementLine:
        fields = {name: self.cleaned_data[name] for name in TRADE_AGREEMENT_FIELDS}
        if self.instance.pk:
            return trade_agreement_line_update(line=copy.copy(self.instance), by=by, **fields)
        return trade_agreement_line_create(by=by, **fields)


class PriceListImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
