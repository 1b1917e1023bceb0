"""Invoice forms: they parse what the clerk chose; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.listing import date_field, record_field
from invoicing.choices import ORDER_BASIS_CHOICES, InvoiceBasis, InvoiceKind, InvoiceState, PaymentState
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order
from salesapp.models import Customer, PackingSlip, SalesOrder
from salesapp.selectors.packing_slips import packing_slip_list_uninvoiced


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *InvoiceState.choices])
    payment_state = forms.ChoiceField(
        label=_("Payment"), required=False, choices=[("", _("Any payment status")), *PaymentState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Invoices and credit notes")), *InvoiceKind.choices]
    )
    basis = forms.ChoiceField(label=_("Basis"), required=False, choices=[("", _("Any basis")), *InvoiceBasis.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    open = forms.BooleanField(label=_("Open only"), required=False)
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    date_from = date_field(_("Invoice date from"))
    date_to = date_field(_("until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Number, customer or order"), type="search", autofocus=True)

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        wanted = self.cleaned_data if self.is_valid() else {}
        return {
            "search": wanted.get("q", "").strip(),
            "state": wanted.get("state", ""),
            "payment_state": wanted.get("payment_state", ""),
            "kind": wanted.get("kind", ""),
            "overdue": bool(wanted.get("overdue")),
            "open_only": bool(wanted.get("open")),
            "customer_id": wanted["customer"].pk if wanted.get("customer") else None,
            "date_from": wanted.get("date_from"),
            "date_to": wanted.get("date_to"),
            "basis": wanted.get("basis", ""),
        }


class PackingSlipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        shipped = ", ".join(
            f"{line.invoice_remainder.normalize():f} × {line.order_line.item.number if line.order_line.item else ''}"
            for line in obj.lines.all()
            if line.invoice_remainder > 0
        )
        return _("%(number)s shipped %(date)s: %(lines)s") % {
            "number": obj.number,
            "date": obj.ship_date.isoformat(),
            "lines": shipped,
        }


class InvoiceCreateForm(forms.Form):
    basis = forms.ChoiceField(label=_("Invoice"), choices=ORDER_BASIS_CHOICES, widget=forms.RadioSelect)
    packing_slips = PackingSlipChoiceField(
        label=_("Packing slips to invoice"),
        queryset=PackingSlip.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, order: SalesOrder, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        slips = list(packing_slip_list_uninvoiced(order=order))
        self.slip_count = len(slips)
        self.fields["packing_slips"].queryset = packing_slip_list_uninvoiced(order=order)
        self.initial.setdefault("basis", InvoiceBasis.PACKING_SLIPS if slips else InvoiceBasis.ORDER)
        self.initial.setdefault("packing_slips", [slip.pk for slip in slips])

    @property
    def basis_value(self) -> str:
        return self["basis"].value()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("basis") == InvoiceBasis.PACKING_SLIPS and self.slip_count and not cleaned.get("packing_slips"):
            self.add_error("packing_slips", _("Choose at least one packing slip."))
        return cleaned

    def save(self, *, by) -> Invoice:
        basis = self.cleaned_data["basis"]
        chosen = list(self.cleaned_data["packing_slips"]) if basis == InvoiceBasis.PACKING_SLIPS else []
        return invoice_create_from_order(order=self.order, basis=basis, packing_slips=chosen or None, by=by)
