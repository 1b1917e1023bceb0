"""Item forms: they parse what the clerk typed; the services judge it."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from core.money import MAX_UNIT_PRICE, ZERO
from core.widgets import Lookup
from salesapp.choices import ItemType
from salesapp.forms.fields import YES_NO_ALL, yes_no
from salesapp.forms.widgets import item_label
from salesapp.models import Item, TaxCode
from salesapp.services.items import item_create, item_update

# Items are found by number or name (salesapp:item_suggestions).
ITEM_LOOKUP = Lookup(
    url="salesapp:item_suggestions", number="number", names=("name",), label=item_label, noun=_("item")
)


def item_inactive_refusal(item: Item) -> str:
    return _("item %(number)s is no longer sold.") % {"number": item.number}


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    item_type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *ItemType.choices])
    active = forms.ChoiceField(label=_("Active"), required=False, choices=YES_NO_ALL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Number or name"), type="search", autofocus=True)

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        wanted = self.cleaned_data if self.is_valid() else {}
        return {
            "search": wanted.get("q", "").strip(),
            "item_type": wanted.get("item_type", ""),
            "active": yes_no(wanted.get("active", "")),
        }


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "number",
            "name",
            "item_type",
            "unit",
            "unit_price",
            "unit_cost",
            "item_group",
            "tax_code",
            "tax_group",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = TaxCode.objects.filter(active=True)
        if self.instance.tax_code_id:
            # An item keeps its tax code even after the code is retired.
            codes = TaxCode.objects.filter(active=True) | TaxCode.objects.filter(pk=self.instance.tax_code_id)
        self.fields["tax_code"].queryset = codes.order_by("code")
        # Unknown cost is zero: the below-cost check at line entry then never fires for the item.
        self.fields["unit_cost"].required = False
        price = self.fields["unit_price"]
        price.validators.append(MaxValueValidator(MAX_UNIT_PRICE))
        price.widget.attrs["max"] = f"{MAX_UNIT_PRICE:f}"
        self.fields["number" if not self.instance.pk else "name"].widget.attrs["autofocus"] = True

    def clean_unit_cost(self) -> Decimal:
        return self.cleaned_data.get("unit_cost") or ZERO

    def save(self, *, by) -> Item:
        if self.instance.pk:
            return item_update(item=self.instance, by=by, **self.cleaned_data)
        return item_create(by=by, **self.cleaned_data)
