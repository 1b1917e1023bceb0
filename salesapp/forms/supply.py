"""Inbound supply and stock forms: they parse what the manager typed; the services judge it."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.listing import record_field
from core.money import MAX_QUANTITY
from core.widgets import AutocompleteField
from marketing.forms.parties import PARTY_LOOKUP
from marketing.models import Party
from salesapp.choices import SupplyState
from salesapp.forms.orders import item_field
from salesapp.forms.widgets import DateInput, QuantityInput
from salesapp.models import Item


class SupplyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, reference")}),
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + SupplyState.choices)
    late = forms.BooleanField(label=_("Late only"), required=False)
    vendor = record_field(Party.objects.all(), label=_("Vendor"))
    item = record_field(Item.objects.all(), label=_("Item"))

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
            "late": bool(data.get("late")),
            "vendor_id": data["vendor"].pk if data.get("vendor") else None,
            "item_id": data["item"].pk if data.get("item") else None,
        }


def _quantity(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=15, decimal_places=3, max_value=MAX_QUANTITY, widget=QuantityInput(), **kwargs
    )


class SupplyLineForm(forms.Form):
    vendor = AutocompleteField(
        label=_("Vendor"),
        lookup=PARTY_LOOKUP,
        queryset=Party.objects.all(),
        help_text=_("The party that delivers the goods: any party can be a vendor."),
    )
    item = item_field()
    quantity = _quantity(_("Quantity"))
    expected_date = forms.DateField(label=_("Expected date"), widget=DateInput())
    reference = forms.CharField(
        label=_("Reference"), required=False, max_length=60, help_text=_("The vendor's order or confirmation number.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].help_text = _("A stocked item: services are not received into stock.")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class SupplyReceiveForm(forms.Form):
    quantity = _quantity(_("Quantity received"))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())

    def __init__(self, *args, line=None, **kwargs):
        if line is not None:
            kwargs.setdefault("initial", {"quantity": line.remaining.normalize(), "received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class SupplyImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class StockAdjustmentForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=15,
        decimal_places=3,
        max_value=MAX_QUANTITY,
        min_value=-MAX_QUANTITY,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "qty"}),
        help_text=_("Added to on hand; below zero, taken off."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Why the stock changes: a count, damage, opening stock …")
    )
