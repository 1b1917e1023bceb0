"""Packing slip forms: they parse what the clerk typed; the services judge it."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ValidationFailed
from core.listing import date_field, record_field
from core.money import ZERO
from salesapp.choices import PackingSlipState, ReturnDisposition
from salesapp.forms.orders import LINE_ERROR_KEY
from salesapp.forms.widgets import DateInput, QuantityInput, plain_quantity
from salesapp.models import Customer, SalesOrderLine


class PackingSlipFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, order, customer"), "autofocus": True}),
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + PackingSlipState.choices)
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    date_from = date_field(_("Shipped from"))
    date_to = date_field(_("until"))

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
            "customer_id": data["customer"].pk if data.get("customer") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class LineQuantitiesForm(forms.Form):
    """One quantity per order line (those ``quantity_for`` gives a value), named and shown per row; the
    services name lines by line number (``lines[10].quantity``), and each error is shown on its row."""

    quantity_label = _("Quantity")
    # The name a screen reader gives each row's field.
    row_label = _("Quantity for line %(no)s")

    def __init__(self, *args, lines: list[SalesOrderLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if self.quantity_for(line) is not None]
        for position, line in enumerate(self.lines):
            attrs = {"aria-label": self.row_label % {"no": line.line_no}}
            if position == 0:
                attrs["autofocus"] = True
            self.fields[self.quantity_field(line)] = forms.DecimalField(
                label=self.quantity_label,
                required=False,
                initial=plain_quantity(self.quantity_for(line)),
                max_digits=15,
                decimal_places=3,
                widget=QuantityInput(attrs=attrs),
            )

    def quantity_for(self, line: SalesOrderLine) -> Decimal | None:
        """The quantity a row starts with, or None when the line is not offered."""
        raise NotImplementedError

    @staticmethod
    def quantity_field(line: SalesOrderLine) -> str:
        return f"quantity_{line.pk}"

    def rows(self):
        """(order line, bound quantity field) pairs for the table."""
        return [(line, self[self.quantity_field(line)]) for line in self.lines]

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(self.quantity_field(line)) or ZERO for line in self.lines}

    def errors_apply(self, exc: DomainError) -> None:
        if not isinstance(exc, ValidationFailed) or not exc.field_errors:
            self.add_error(None, exc.reason)
            return
        by_line_no = {line.line_no: line for line in self.lines}
        for key, message in exc.field_errors.items():
            match = LINE_ERROR_KEY.match(key)
            line = by_line_no.get(int(match["index"])) if match else None
            if line is not None:
                self.add_error(self.quantity_field(line), message)
            else:
                self.add_error(key if key in self.fields else None, message)


class PackingSlipCreateForm(LineQuantitiesForm):
    """A ship date and one quantity per order line still to deliver, defaulting to its deliver remainder; on a
    return receipt also what happens to the goods of each line."""

    ship_date = forms.DateField(label=_("Ship date"), widget=DateInput())

    def __init__(self, *args, lines: list[SalesOrderLine], receives: bool = False, **kwargs):
        self.quantity_label = _("Receive now") if receives else _("Ship now")
        self.row_label = _("Quantity to receive for line %(no)s") if receives else _("Quantity to ship for line %(no)s")
        super().__init__(*args, lines=lines, **kwargs)
        self.fields["ship_date"].initial = timezone.localdate()
        self.receives = receives
        if receives:
            self.fields["ship_date"].label = _("Receipt date")
            for line in self.lines:
                self.fields[self.disposition_field(line)] = forms.ChoiceField(
                    label=_("Disposition"),
                    choices=ReturnDisposition.choices,
                    initial=ReturnDisposition.BACK_TO_STOCK,
                    widget=forms.Select(attrs={"aria-label": _("Disposition of line %(no)s") % {"no": line.line_no}}),
                )

    def quantity_for(self, line: SalesOrderLine) -> Decimal | None:
        return line.deliver_remainder if line.deliver_remainder > 0 else None

    @staticmethod
    def disposition_field(line: SalesOrderLine) -> str:
        return f"disposition_{line.pk}"

    def rows(self):
        """(order line, quantity field, disposition field or None) for the table."""
        return [
            (line, quantity, self[self.disposition_field(line)] if self.receives else None)
            for line, quantity in super().rows()
        ]

    def dispositions(self) -> dict[int, str]:
        if not self.receives:
            return {}
        return {line.pk: self.cleaned_data.get(self.disposition_field(line)) or "" for line in self.lines}
