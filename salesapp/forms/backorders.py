from django import forms
from django.utils.translation import gettext_lazy as _

from core.listing import query_url, record_field
from marketing.models import Party
from salesapp.models import Customer, Item


class BackorderFilterForm(forms.Form):
    """The filters the three backorder views share: an item, a customer, a vendor, late lines only."""

    item = record_field(Item.objects.all(), label=_("Item"))
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    vendor = record_field(Party.objects.all(), label=_("Vendor"))
    late = forms.BooleanField(label=_("Late only"), required=False)

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "item_id": data["item"].pk if data.get("item") else None,
            "customer_id": data["customer"].pk if data.get("customer") else None,
            "vendor_id": data["vendor"].pk if data.get("vendor") else None,
            "late_only": bool(data.get("late")),
        }

    def chips(self, request) -> list[dict]:
        """The item and vendor the list is narrowed to, with the links that remove them (the customer's chip is
        the list toolbar's own)."""
        data = getattr(self, "cleaned_data", {})
        return [
            {
                "name": name,
                "value": data[name].pk,
                "title": self.fields[name].label,
                "label": str(data[name]),
                "remove_url": query_url(request, **{name: None, "page": None}),
            }
            for name in ("item", "vendor")
            if data.get(name)
        ]


class RescheduleForm(forms.Form):
    lines = forms.TypedMultipleChoiceField(label=_("Lines"), coerce=int, choices=(), required=False)
    confirmed_ship_date = forms.DateField(
        label=_("New confirmed ship date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    use_atp = forms.BooleanField(label=_("Take the ATP date"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id: the service refuses, naming it, a line that is not a backorder line.
        self.fields["lines"].valid_value = lambda value: True
