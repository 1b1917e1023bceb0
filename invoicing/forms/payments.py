"""Payment forms: they parse what the clerk typed; the services judge it."""

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.listing import date_field, record_field
from core.money import MONEY_QUANTUM
from core.widgets import AutocompleteField
from invoicing.choices import PaymentDirection, PaymentMethod
from invoicing.models import Invoice, Payment
from invoicing.selectors.invoices import invoice_list_open
from invoicing.services.payments import ApplicationInput, payment_register
from salesapp.choices import Currency
from salesapp.forms.customers import CUSTOMER_LOOKUP
from salesapp.models import Customer


class PaymentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    customer = record_field(Customer.objects.select_related("party"), label=_("Customer"))
    date_from = date_field(_("Payment date from"))
    date_to = date_field(_("until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            placeholder=_("Number, reference or customer"), type="search", autofocus=True
        )

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        wanted = self.cleaned_data if self.is_valid() else {}
        return {
            "search": wanted.get("q", "").strip(),
            "customer_id": wanted["customer"].pk if wanted.get("customer") else None,
            "date_from": wanted.get("date_from"),
            "date_to": wanted.get("date_to"),
        }


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
    customer = AutocompleteField(
        label=_("Customer"), lookup=CUSTOMER_LOOKUP, queryset=Customer.objects.select_related("party")
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=MONEY_QUANTUM)
    payment_date = forms.DateField(
        label=_("Payment date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=PaymentDirection.choices,
        initial=PaymentDirection.RECEIPT,
        required=False,  # a receipt unless said otherwise
        help_text=_("A refund is money paid back; apply it to the customer's credit notes."),
    )
    reference = forms.CharField(
        label=_("Reference"), max_length=Payment._meta.get_field("reference").max_length, required=False
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("", _("The invoice's, else the customer's")), *Currency.choices],
        required=False,
        help_text=_("A document is settled in its own currency."),
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
        # Only the chosen customer's open invoices are offered: never every open invoice of every customer.
        self.fields["invoice"].queryset = (
            invoice_list_open(customer_id=customer_id) if customer_id else Invoice.objects.none()
        )
        # Choosing a customer narrows the invoice choice to that customer's open invoices.
        self.fields["customer"].widget.hidden_attrs.update(
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
            # An empty amount to apply is the service's "as much as fits".
            applications = [ApplicationInput(invoice=data["invoice"], amount=data["apply_amount"])]
        return payment_register(
            customer=data["customer"],
            amount=data["amount"],
            payment_date=data["payment_date"],
            method=data["method"],
            reference=data["reference"],
            direction=data["direction"] or PaymentDirection.RECEIPT,
            currency=data["currency"] or (data["invoice"].currency if data["invoice"] else None),
            applications=applications,
            by=by,
        )


class SettleForm(forms.Form):
    """One amount per open document (blank: leave it), pre-filled with what the proposal suggests."""

    def __init__(self, *args, documents: list[Invoice], proposed: dict[int, Decimal] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        proposed = proposed or {}
        for document in documents:
            self.fields[self.field_name(document)] = forms.DecimalField(
                label=str(document),
                required=False,
                max_digits=16,
                decimal_places=2,
                min_value=MONEY_QUANTUM,
                initial=proposed.get(document.pk),
            )

    @staticmethod
    def field_name(document: Invoice) -> str:
        return f"amount_{document.pk}"

    def rows(self):
        """(document, bound field) pairs for the template."""
        return [(document, self[self.field_name(document)]) for document in self.documents]

    def applications(self) -> list[ApplicationInput]:
        wanted = [(d, self.cleaned_data.get(self.field_name(d))) for d in self.documents]
        return [ApplicationInput(invoice=document, amount=amount) for document, amount in wanted if amount]

    def add_service_errors(self, exc) -> None:
        """Put the service's positional field errors ("applications[1].amount") on the document's own field."""
        applied = self.applications()
        for field, message in exc.field_errors.items():
            target = None
            if field.startswith("applications["):
                index = int(field[len("applications[") : field.index("]")])
                target = self.field_name(applied[index].invoice)
            self.add_error(target, message)
        if not exc.field_errors:
            self.add_error(None, exc.reason)
