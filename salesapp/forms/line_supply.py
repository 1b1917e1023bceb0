"""Ordering an order line from a vendor: a drop shipment or a special order (salesapp.services.line_supply)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteField
from marketing.forms.parties import PARTY_LOOKUP
from marketing.models import Party
from salesapp.choices import LineSupply
from salesapp.forms.widgets import DateInput

SUPPLY_CHOICES = [
    (LineSupply.DROP_SHIPMENT, LineSupply.DROP_SHIPMENT.label),
    (LineSupply.SPECIAL_ORDER, LineSupply.SPECIAL_ORDER.label),
]


class LineSupplyForm(forms.Form):
    supply = forms.ChoiceField(label=_("Supply"), choices=SUPPLY_CHOICES)
    vendor = AutocompleteField(lookup=PARTY_LOOKUP, queryset=Party.objects.all(), label=_("Vendor"))
    expected_date = forms.DateField(label=_("Expected date"), widget=DateInput())
    reference = forms.CharField(label=_("Vendor reference"), required=False, max_length=60)
