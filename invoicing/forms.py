from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY_QUANTUM
from invoicing.choices import InvoiceBasis, InvoiceState, PaymentMethod, PaymentState
from invoicing.models import Invoice, Payment
from invoicing.selectors import invoice_list_open
from invoicing.services.invoices import invoice_create_from_order
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.models import Customer, PackingSlip, SalesOrder
from salesapp.selectors import packing_slip_list_uninvoiced


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *InvoiceState.choices])
    payment_state = forms.ChoiceField(
        label=_("Payment"), required=False, choices=[("", _("Any payment status")), *PaymentState.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Number, customer or order"), type="search", autofocus=True)


class PaymentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            placeholder=_("Number, reference or customer"), type="search", autofocus=True
        )


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
    basis = forms.ChoiceField(label=_("Invoice"), choices=InvoiceBasis.choices, widget=forms.RadioSelect)
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


class OpenInvoiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(number)s · %(customer)s · %(open)s %(currency)s open, due %(due)s") % {
            "number": obj.number,
            "customer": obj.customer.party.name,
            "open": obj.amount_open,
            "currency": obj.currency,
            "due": obj.due_date.isoformat() if obj.due_date else "—",
        }


class PaymentForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.select_related("party").order_by("number")
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=MONEY_QUANTUM)
    payment_date = forms.DateField(
        label=_("Payment date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(
        label=_("Reference"), max_length=Payment._meta.get_field("reference").max_length, required=False
    )
    invoice = OpenInvoiceChoiceField(
        label=_("Apply to invoice"),
        queryset=Invoice.objects.none(),
        required=False,
        help_text=_("Optional: what is not applied stays on the customer's account."),
    )
    apply_amount = forms.DecimalField(
        label=_("Amount to apply"),
        max_digits=16,
        decimal_places=2,
        min_value=MONEY_QUANTUM,
        required=False,
        help_text=_("Empty: the payment amount, up to what the invoice has open."),
    )

    # Where the payment service names a field differently from this form.
    SERVICE_FIELDS = {
        "applications[0].invoice": "invoice",
        "applications[0].amount": "apply_amount",
        "applications": "apply_amount",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer_id = self["customer"].value()
        customer_id = int(customer_id) if str(customer_id or "").isdigit() else None
        self.fields["invoice"].queryset = invoice_list_open(customer_id=customer_id)
        # Choosing a customer narrows the invoice choice to that customer's open invoices.
        self.fields["customer"].widget.attrs.update(
            {
                "hx-get": reverse("invoicing:payment_create"),
                "hx-trigger": "change",
                "hx-target": "#invoice-fields",
                "hx-select": "#invoice-fields",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["amount" if self.initial.get("customer") else "customer"].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        # Whether the invoice may take this payment is the payment service's rule; only the form's own
        # shape is checked here.
        if cleaned.get("apply_amount") and not cleaned.get("invoice"):
            self.add_error("invoice", _("Choose the invoice to apply the amount to."))
        return cleaned

    def save(self, *, by) -> Payment:
        data = self.cleaned_data
        applications = None
        if data["invoice"]:
            invoice = data["invoice"]
            amount = data["apply_amount"] or min(data["amount"], invoice.amount_open)
            applications = [ApplicationInput(invoice=invoice, amount=Decimal(amount))]
        return payment_register(
            customer=data["customer"],
            amount=data["amount"],
            payment_date=data["payment_date"],
            method=data["method"],
            reference=data["reference"],
            applications=applications,
            by=by,
        )
