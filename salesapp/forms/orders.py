"""Sales order forms: they parse what the clerk typed; the services judge it."""

import re

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ValidationFailed
from core.listing import date_field, record_field
from core.money import MAX_QUANTITY, MAX_UNIT_PRICE, ZERO
from core.widgets import AutocompleteField
from marketing.models import Address
from salesapp.choices import BillingPeriod, LineType, OrderState, OrderType
from salesapp.forms.customers import CUSTOMER_LOOKUP, customer_blocked_refusal
from salesapp.forms.items import ITEM_LOOKUP, item_inactive_refusal
from salesapp.forms.widgets import DateInput, QuantityInput
from salesapp.line_types import MAX_TEXT_LENGTH
from salesapp.models import Customer, Item, SalesOrder
from salesapp.order_types import clerk_order_type_help, clerk_order_types, policy_for
from salesapp.selectors.customers import customer_list
from salesapp.selectors.items import item_list
from salesapp.selectors.orders import delivery_addresses
from salesapp.selectors.pricing import LineEntry, LinePreview
from salesapp.services.orders import OrderLineInput


def order_type_choices() -> list[tuple[str, str]]:
    """The types a clerk may choose (the policy says which are built and not reserved for integrations)."""
    return [(policy.order_type.value, policy.order_type.label) for policy in clerk_order_types()]


ORDER_TYPE_HELP = lazy(clerk_order_type_help, str)()


def order_type_field(**kwargs) -> forms.ChoiceField:
    field = forms.ChoiceField(label=_("Order type"), help_text=ORDER_TYPE_HELP, **kwargs)
    # static/js/order_types.js shows the fields of the type chosen (the subscription terms).
    field.widget.attrs["data-order-type"] = ""
    return field


def subscription_fields() -> dict[str, forms.Field]:
    """A subscription's billing terms; the page shows them only while the type is subscription (the service
    refuses them on another type)."""
    fields = {
        "billing_period": forms.ChoiceField(
            label=_("Billing period"),
            choices=[("", _("Monthly (default)")), *BillingPeriod.choices],
            required=False,
        ),
        "next_billing_date": forms.DateField(
            label=_("Next billing date"),
            required=False,
            widget=DateInput(),
            help_text=_("The first day of the next period a billing run invoices. Blank: the order date."),
        ),
        "subscription_end_date": forms.DateField(
            label=_("End date"),
            required=False,
            widget=DateInput(),
            help_text=_("No period starts after it. Blank: until canceled."),
        ),
    }
    for field in fields.values():
        field.order_types = OrderType.SUBSCRIPTION.value
    return fields


LINE_ERROR_KEY = re.compile(r"^lines\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")
LINE_ITEM_KEY = re.compile(r"^(?P<prefix>.+)-\d+-item$")


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, customer, reference"), "autofocus": True}),
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + OrderState.choices)
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    date_from = date_field(_("Order date from"))
    date_to = date_field(_("until"))

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        customer = data.get("customer")
        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
            "customer_id": customer.pk if customer else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class OrderHeaderForm(forms.Form):
    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=customer_list(blocked=False),
        everything=Customer.objects.select_related("party"),
        refusal=customer_blocked_refusal,
        params={"blocked": "0"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.attrs["autofocus"] = True

    order_type = order_type_field(choices=order_type_choices, initial=OrderType.SALES)
    requested_ship_date = forms.DateField(label=_("Requested ship date"), required=False, widget=DateInput())
    customer_reference = forms.CharField(label=_("Customer reference"), required=False, max_length=100)
    external_document_number = forms.CharField(label=_("External document number"), required=False, max_length=100)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=_("Blank: the customer's terms. Other terms need the right to set customer credit."),
    )
    billing_period, next_billing_date, subscription_end_date = subscription_fields().values()


def item_field() -> AutocompleteField:
    """An item still sold, chosen by number or name."""
    return AutocompleteField(
        label=_("Item"),
        lookup=ITEM_LOOKUP,
        queryset=item_list(active=True),
        everything=Item.objects.select_related("tax_code"),
        refusal=item_inactive_refusal,
        params={"active": "1"},
    )


# What the line type select offers a clerk: "" takes item or service from the item's type.
LINE_TYPE_CHOICES = [
    ("", _("Item")),
    (LineType.WRITE_IN, LineType.WRITE_IN.label),
    (LineType.COMMENT, LineType.COMMENT.label),
]
# The line types each field of a line row is for (static/js/line_types.js shows a field only for those, and
# disables it otherwise so that it is not sent); "item" stands for the "" choice.
FIELD_LINE_TYPES = {
    "item": "item",
    "quantity": "item write_in",
    "unit_price": "item write_in",
    "discount_percent": "item write_in",
    "confirm_price": "item write_in",
}


class OrderLineForm(forms.Form):
    line_type = forms.ChoiceField(label=_("Line type"), choices=LINE_TYPE_CHOICES, required=False)
    # Judged with the line type by the service: an item line needs it, write-in and comment lines take none.
    item = item_field()
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        help_text=_("Write-in: the product as the customer wrote it. Comment: the text. Item: blank for its name."),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        max_digits=15,
        decimal_places=3,
        max_value=MAX_QUANTITY,
        widget=QuantityInput(),
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        max_digits=18,
        decimal_places=4,
        max_value=MAX_UNIT_PRICE,
        help_text=_("Blank: the agreed price (trade agreements, else the item's sales price)."),
        widget=QuantityInput(attrs={"placeholder": _("agreed price")}),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Blank: the agreed discount."),
        widget=QuantityInput(attrs={"max": "100", "placeholder": _("agreed")}),
    )

    # Required by the page when the line's price is zero or below the item's unit cost (salesapp.selectors.pricing
    # price_warning), so such a price never passes without a word.
    confirm_price = forms.BooleanField(label=_("I confirm this price"), required=False)

    def __init__(self, *args, items: dict[str, Item] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].required = False
        # A formset reads the items its rows name once and hands them to every row: constant queries per page.
        self.fields["item"].remember(items or {})
        self.fields["line_type"].widget.attrs["data-line-type"] = ""
        # Line rows sit under column headings, without a label of their own.
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", field.label)
            field.line_types = FIELD_LINE_TYPES.get(name, "item write_in comment")

    def clean(self):
        data = super().clean()
        # A comment has no quantity (the service stores 0); every other line needs one to be priced, and an
        # item line its item (a write-in is carried by the write-in item).
        line_type = data.get("line_type")
        if line_type == LineType.COMMENT:
            data["quantity"] = ZERO
        elif data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", forms.Field.default_error_messages["required"])
        if not line_type and data.get("item") is None and "item" not in self.errors:
            self.add_error("item", forms.Field.default_error_messages["required"])
        return data

    def line_entry(self) -> LineEntry:
        data = self.cleaned_data
        return LineEntry(
            item=data["item"],
            quantity=data["quantity"],
            unit_price=data.get("unit_price"),
            discount_percent=data.get("discount_percent"),
            line_type=data.get("line_type") or "",
            description=data.get("description") or "",
        )

    def price_confirmation_check(self, preview: LinePreview) -> bool:
        """False, with the reason on the confirmation box, when the line's price needs a confirmation not given.
        A write-in's missing price or carrier is the service's to refuse, naming the field."""
        if preview.is_write_in and (preview.item is None or self.cleaned_data.get("unit_price") is None):
            return True
        if preview.warning and not self.cleaned_data.get("confirm_price"):
            self.add_error(
                "confirm_price",
                _("%(reason)s Tick “I confirm this price” to save it.") % {"reason": preview.warning},
            )
            return False
        return True

    def line_input(self) -> OrderLineInput:
        return OrderLineInput(**self._line_values())

    def _line_values(self) -> dict:
        data = self.cleaned_data
        return {
            "item": data["item"],
            "quantity": data["quantity"],
            "unit_price": data.get("unit_price"),
            "discount_percent": data.get("discount_percent"),
            "description": data.get("description") or "",
            "line_type": data.get("line_type") or "",
            "price_confirmed": bool(data.get("confirm_price")),
        }


def items_named(data, *, prefix: str) -> dict[str, Item]:
    """The active items the posted rows of a line formset name by id, read in one query."""
    keys = {
        str(value)
        for key, value in (data or {}).items()
        if (match := LINE_ITEM_KEY.match(key)) and match["prefix"] == prefix and str(value).isdigit()
    }
    if not keys:
        return {}
    return {str(item.pk): item for item in item_list(active=True).filter(pk__in=keys)}


class BaseOrderLineFormSet(forms.BaseFormSet):
    def __init__(self, data=None, *args, prefix=None, **kwargs):
        items = items_named(data, prefix=prefix or self.get_default_prefix())
        kwargs["form_kwargs"] = {"items": items, **(kwargs.get("form_kwargs") or {})}
        super().__init__(data, *args, prefix=prefix, **kwargs)

    def filled_forms(self) -> list[OrderLineForm]:
        """The rows the clerk filled in; untouched extra rows are left out."""
        return [form for form in self.forms if form.has_changed() or not form.empty_permitted]


OrderLineFormSet = forms.formset_factory(OrderLineForm, formset=BaseOrderLineFormSet, extra=0, min_num=1)


def order_errors_apply(exc: DomainError, *, header: forms.Form, line_forms: list[forms.Form]) -> None:
    """Put a service's errors next to the fields they name: ``lines[0].quantity`` on the first line sent."""
    if not isinstance(exc, ValidationFailed) or not exc.field_errors:
        header.add_error(None, exc.reason)
        return
    for key, message in exc.field_errors.items():
        match = LINE_ERROR_KEY.match(key)
        if match and int(match["index"]) < len(line_forms):
            form = line_forms[int(match["index"])]
            field = match["field"]
            form.add_error(field if field in form.fields else None, message)
        else:
            header.add_error(key if key in header.fields else None, message)


class OrderUpdateForm(forms.Form):
    """The header of an open order: its type, requested ship date and references."""

    order_type = order_type_field()
    requested_ship_date = forms.DateField(label=_("Requested ship date"), required=False, widget=DateInput())
    customer_reference = forms.CharField(label=_("Customer reference"), required=False, max_length=100)
    external_document_number = forms.CharField(label=_("External document number"), required=False, max_length=100)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), required=False, min_value=0, max_value=365, help_text=_("Blank: unchanged.")
    )
    delivery_address = forms.ModelChoiceField(
        label=_("Delivery address"),
        queryset=Address.objects.none(),
        required=False,
        empty_label=_("The customer's default delivery address"),
    )
    billing_period, next_billing_date, subscription_end_date = subscription_fields().values()

    def __init__(self, *args, order: SalesOrder, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "order_type": order.order_type,
                "requested_ship_date": order.requested_ship_date,
                "customer_reference": order.customer_reference,
                "external_document_number": order.external_document_number,
                "payment_terms_days": order.payment_terms_days,
                "delivery_address": order.delivery_address_id,
                "billing_period": order.billing_period,
                "next_billing_date": order.next_billing_date,
                "subscription_end_date": order.subscription_end_date,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["delivery_address"].queryset = delivery_addresses(order.customer)
        self.order = order
        choices = order_type_choices()
        if order.order_type not in dict(choices):
            # An order keeps the type it has, even one a clerk could not choose today.
            choices.append((order.order_type, policy_for(order.order_type).label))
        self.fields["order_type"].choices = choices

    def clean_payment_terms_days(self):
        value = self.cleaned_data["payment_terms_days"]
        return self.order.payment_terms_days if value is None else value


class OrderCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ShipDateForm(forms.Form):
    """The ship date promised for one order line; empty withdraws the promise."""

    confirmed_ship_date = forms.DateField(label=_("Confirmed ship date"), required=False, widget=DateInput())
