"""Product relation forms and the report's filters: they parse what was typed; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.listing import date_field
from core.money import MAX_QUANTITY
from salesapp.choices import RelationKind
from salesapp.forms.fields import YES_NO_ALL, yes_no
from salesapp.forms.orders import item_field
from salesapp.forms.widgets import DateInput, QuantityInput
from salesapp.models import CustomerPriceGroup, ProductRelation
from salesapp.services.suggestions import product_relation_create, product_relation_update


class RelationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Item number or name"), "autofocus": True}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *RelationKind.choices])
    active = forms.ChoiceField(label=_("Active"), required=False, choices=YES_NO_ALL)
    price_group = forms.ModelChoiceField(
        label=_("Customer price group"),
        queryset=CustomerPriceGroup.objects.order_by("code"),
        required=False,
        empty_label=_("All price groups"),
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        price_group = data.get("price_group")
        return {
            "search": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "active": yes_no(data.get("active") or ""),
            "price_group_id": price_group.pk if price_group else None,
        }


class ProductRelationForm(forms.Form):
    item = item_field()
    suggested_item = item_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=RelationKind.choices)
    min_quantity = forms.DecimalField(
        label=_("Minimum quantity"),
        required=False,
        max_digits=15,
        decimal_places=3,
        max_value=MAX_QUANTITY,
        help_text=_("Empty: any quantity."),
        widget=QuantityInput(),
    )
    price_group = forms.ModelChoiceField(
        label=_("Customer price group"),
        queryset=CustomerPriceGroup.objects.order_by("code"),
        required=False,
        empty_label=_("Every customer"),
        help_text=_("Suggest only to customers of this price group; never to a prospect."),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())
    priority = forms.IntegerField(
        label=_("Priority"), min_value=0, max_value=32767, initial=10, help_text=_("Lowest first.")
    )
    pitch = forms.CharField(label=_("Pitch"), required=False, max_length=300, help_text=_("What the clerk may say."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, relation: ProductRelation | None = None, **kwargs):
        self.relation = relation
        if relation is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(relation, name)
                    for name in (
                        "kind",
                        "min_quantity",
                        "price_group",
                        "valid_from",
                        "valid_to",
                        "priority",
                        "pitch",
                        "active",
                    )
                }
                | {"item": relation.item, "suggested_item": relation.suggested_item},
            )
        super().__init__(*args, **kwargs)
        self.fields["suggested_item"].label = _("Suggested item")
        self.fields["item"].widget.attrs["autofocus"] = True

    def save(self, *, by) -> ProductRelation:
        data = dict(self.cleaned_data)
        if self.relation is None:
            return product_relation_create(by=by, **data)
        return product_relation_update(relation=self.relation, by=by, **data)


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *RelationKind.choices])
    date_from = date_field(_("From"))
    date_to = date_field(_("until"))

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"kind": data.get("kind") or "", "date_from": data.get("date_from"), "date_to": data.get("date_to")}
