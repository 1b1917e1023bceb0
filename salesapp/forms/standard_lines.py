"""Standard line set forms: the set, its lines, and choosing a set to insert into an order."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import MAX_QUANTITY
from core.widgets import AutocompleteField
from salesapp.forms.customers import CUSTOMER_LOOKUP
from salesapp.forms.fields import YES_NO_ALL, yes_no
from salesapp.forms.orders import BaseOrderLineFormSet, item_field, order_errors_apply
from salesapp.forms.widgets import QuantityInput
from salesapp.models import Customer, StandardLineSet
from salesapp.selectors.customers import customer_list
from salesapp.services.standard_lines import StandardLineInput, standard_line_set_create, standard_line_set_update


class StandardLineSetFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Name or customer"), "autofocus": True}),
    )
    active = forms.ChoiceField(label=_("Active"), required=False, choices=YES_NO_ALL)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"search": (data.get("q") or "").strip(), "active": yes_no(data.get("active") or "")}


class StandardLineSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=customer_list(),
        everything=Customer.objects.select_related("party"),
        required=False,
        help_text=_("Empty: for every customer."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, line_set: StandardLineSet | None = None, **kwargs):
        self.line_set = line_set
        if line_set is not None:
            kwargs.setdefault(
                "initial", {"name": line_set.name, "customer": line_set.customer, "active": line_set.active}
            )
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True


class StandardLineForm(forms.Form):
    item = item_field()
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=15, decimal_places=3, max_value=MAX_QUANTITY, widget=QuantityInput()
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].remember(items or {})
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def line_input(self) -> StandardLineInput:
        return StandardLineInput(item=self.cleaned_data["item"], quantity=self.cleaned_data["quantity"])


StandardLineFormSet = forms.formset_factory(StandardLineForm, formset=BaseOrderLineFormSet, extra=3, min_num=1)


def standard_line_set_save(*, form: StandardLineSetForm, lines, by) -> StandardLineSet | None:
    """Save the set and its lines through the services, or put the refusal beside the fields and return None."""
    if not (form.is_valid() and lines.is_valid()):
        return None
    filled = lines.filled_forms()
    data = form.cleaned_data
    inputs = [line.line_input() for line in filled]
    try:
        if form.line_set is None:
            return standard_line_set_create(by=by, lines=inputs, **data)
        return standard_line_set_update(line_set=form.line_set, by=by, lines=inputs, **data)
    except DomainError as exc:
        order_errors_apply(exc, header=form, line_forms=filled)
        return None


class InsertStandardLinesForm(forms.Form):
    line_set = forms.ModelChoiceField(label=_("Standard line set"), queryset=StandardLineSet.objects.none())

    def __init__(self, *args, sets: list[StandardLineSet], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["line_set"]
        # Any set may be named: the service says why one of another customer or an inactive one is refused.
        field.queryset = StandardLineSet.objects.all()
        field.choices = [("", "---------"), *((line_set.pk, line_set.name) for line_set in sets)]
