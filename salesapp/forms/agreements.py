"""Sales agreement forms: they parse what the manager or clerk typed; the services judge it."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.listing import record_field
from core.money import MAX_AMOUNT, MAX_QUANTITY, MAX_UNIT_PRICE
from core.widgets import AutocompleteField
from salesapp.choices import AgreementState, CommitmentType, Currency
from salesapp.forms.customers import CUSTOMER_LOOKUP, customer_blocked_refusal
from salesapp.forms.orders import item_field
from salesapp.forms.widgets import DateInput, QuantityInput
from salesapp.models import Customer, SalesAgreementLine
from salesapp.models.agreements import LINE_FIELDS_BY_COMMITMENT
from salesapp.selectors.customers import customer_list
from salesapp.services.agreements import AgreementLineInput, ReleaseLine


class AgreementFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, customer, description")}),
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + AgreementState.choices)
    commitment_type = forms.ChoiceField(
        label=_("Commitment"), required=False, choices=[("", _("All"))] + CommitmentType.choices
    )
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    expiring = forms.IntegerField(label=_("Ending within (days)"), required=False, min_value=0, max_value=730)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
            "commitment_type": data.get("commitment_type") or "",
            "customer_id": data["customer"].pk if data.get("customer") else None,
            "expiring_within_days": data.get("expiring"),
        }


def _percent(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=5, decimal_places=2, min_value=0, max_value=100, widget=QuantityInput(), **kwargs
    )


class AgreementHeaderForm(forms.Form):
    """The header as typed. On an effective agreement the customer, commitment type and currency are shown but
    not offered (``fixed_terms``): they change only on hold."""

    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=customer_list(blocked=False),
        everything=Customer.objects.select_related("party"),
        refusal=customer_blocked_refusal,
        params={"blocked": "0"},
    )
    commitment_type = forms.ChoiceField(label=_("Commitment type"), choices=CommitmentType.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput())
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", _("The customer's"))] + Currency.choices,
    )
    default_discount_percent = _percent(_("Default discount %"), required=False, initial=0)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    TERMS = ("customer", "commitment_type", "currency")

    def __init__(self, *args, fixed_terms: bool = False, customer: Customer | None = None, **kwargs):
        """``customer``: the agreement's own, kept when it was blocked since (the service lets an agreement on
        hold be edited; only new agreements and activation need an unblocked customer)."""
        super().__init__(*args, **kwargs)
        if fixed_terms:
            for name in self.TERMS:
                del self.fields[name]
        elif customer is not None and customer.blocked:
            self.fields["customer"].queryset = Customer.objects.select_related("party").filter(
                Q(blocked=False) | Q(pk=customer.pk)
            )

    def header(self) -> dict:
        """The service's arguments; an empty currency is the customer's, an empty discount none."""
        data = dict(self.cleaned_data)
        if "currency" in data and not data["currency"]:
            data.pop("currency")
        if data.get("default_discount_percent") is None:
            data["default_discount_percent"] = 0
        return data


class AgreementLineForm(forms.Form):
    """A line as typed: which fields it needs depends on the agreement's commitment type (the service says)."""

    item = item_field()
    committed_quantity = forms.DecimalField(
        label=_("Committed quantity"),
        required=False,
        max_digits=15,
        decimal_places=3,
        max_value=MAX_QUANTITY,
        widget=QuantityInput(),
    )
    committed_amount = forms.DecimalField(
        label=_("Committed amount"),
        required=False,
        max_digits=16,
        decimal_places=2,
        max_value=MAX_AMOUNT,
        widget=QuantityInput(),
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        max_digits=18,
        decimal_places=4,
        max_value=MAX_UNIT_PRICE,
        widget=QuantityInput(),
    )
    discount_percent = _percent(
        _("Discount %"), required=False, help_text=_("Blank: the agreement's default discount.")
    )

    def __init__(self, *args, commitment_type: str = CommitmentType.PRODUCT_QUANTITY, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the fields the commitment type uses are offered (the service refuses the others, saying why).
        used = LINE_FIELDS_BY_COMMITMENT[commitment_type]
        for name in [name for name in self.fields if name not in used]:
            del self.fields[name]
        if "item" in self.fields:
            self.fields["item"].required = True

    def line_input(self) -> AgreementLineInput:
        return AgreementLineInput(**self.cleaned_data)


class AgreementLineEditForm(AgreementLineForm):
    """A line's commitment, price and discount (its item stays)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("item", None)

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class AgreementReleaseForm(forms.Form):
    """Release an order: a quantity per agreement line (blank: not released) and the requested ship date; a
    total value commitment's line also asks which item."""

    requested_ship_date = forms.DateField(label=_("Requested ship date"), widget=DateInput())
    customer_reference = forms.CharField(label=_("Customer reference"), required=False, max_length=100)

    def __init__(self, *args, lines: list[SalesAgreementLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement_lines = lines
        for line in lines:
            self.fields[f"quantity_{line.pk}"] = forms.DecimalField(
                label=_("Quantity of line %(line_no)s") % {"line_no": line.line_no},
                required=False,
                min_value=0,
                max_digits=15,
                decimal_places=3,
                max_value=MAX_QUANTITY,
                widget=QuantityInput(),
            )
            if line.item_id is None:
                field = item_field()
                field.required = False
                self.fields[f"item_{line.pk}"] = field

    def rows(self):
        """Each agreement line with its quantity field (and item field), for the page's table."""
        for line in self.agreement_lines:
            item_name = f"item_{line.pk}"
            yield line, self[f"quantity_{line.pk}"], self[item_name] if item_name in self.fields else None

    def release_lines(self) -> list[ReleaseLine]:
        picked = []
        for line in self.agreement_lines:
            quantity = self.cleaned_data.get(f"quantity_{line.pk}")
            if quantity:
                picked.append(
                    ReleaseLine(agreement_line=line, quantity=quantity, item=self.cleaned_data.get(f"item_{line.pk}"))
                )
        return picked
