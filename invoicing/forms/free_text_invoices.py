"""Free text invoice forms: they parse what the clerk typed; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import MAX_QUANTITY, MAX_UNIT_PRICE
from core.widgets import AutocompleteField
from invoicing.models import Invoice, LedgerAccount
from invoicing.services.free_text_invoices import (
    DESCRIPTION_LENGTH,
    MAX_TERMS_DAYS,
    REFERENCE_LENGTH,
    FreeTextLineInput,
    free_text_invoice_create,
    free_text_invoice_update,
    revenue_account_list,
)
from salesapp.choices import Currency
from salesapp.forms.customers import CUSTOMER_LOOKUP, customer_blocked_refusal
from salesapp.forms.orders import item_field
from salesapp.forms.widgets import DateInput, QuantityInput
from salesapp.models import Customer, TaxCode
from salesapp.selectors.customers import customer_list


class FreeTextInvoiceHeaderForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, required=False)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        required=False,
        min_value=0,
        max_value=MAX_TERMS_DAYS,
        help_text=_("Blank: the customer's terms."),
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=DateInput(), help_text=_("Blank: invoice date + payment terms.")
    )
    customer_reference = forms.CharField(label=_("Customer reference"), required=False, max_length=REFERENCE_LENGTH)

    def __init__(self, *args, invoice: Invoice | None = None, **kwargs):
        self.invoice = invoice
        if invoice is not None:
            kwargs.setdefault(
                "initial",
                {
                    "currency": invoice.currency,
                    "payment_terms_days": invoice.terms_days,
                    "due_date": invoice.due_date,
                    "customer_reference": invoice.customer_reference,
                },
            )
        super().__init__(*args, **kwargs)
        if invoice is not None:
            self.fields["currency"].required = True

    def save(self, *, by) -> Invoice:
        data = self.cleaned_data
        return free_text_invoice_update(
            invoice=self.invoice,
            currency=data["currency"],
            payment_terms_days=data["payment_terms_days"],
            due_date=data["due_date"],
            customer_reference=data["customer_reference"],
            by=by,
        )


class FreeTextInvoiceCreateForm(FreeTextInvoiceHeaderForm):
    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=customer_list(blocked=False),
        everything=Customer.objects.select_related("party"),
        refusal=customer_blocked_refusal,
        params={"blocked": "0"},
    )
    field_order = ["customer", "currency", "payment_terms_days", "due_date", "customer_reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", _("The customer's")), *Currency.choices]

    def save(self, *, by) -> Invoice:
        data = self.cleaned_data
        return free_text_invoice_create(
            customer=data["customer"],
            lines=[],
            currency=data["currency"] or None,
            payment_terms_days=data["payment_terms_days"],
            due_date=data["due_date"],
            customer_reference=data["customer_reference"],
            by=by,
        )


class RevenueAccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LedgerAccount) -> str:
        return f"{obj.number} {obj.name}"


class FreeTextLineForm(forms.Form):
    """One line; the fields are in typing order, so a clerk tabs through a line and Enter adds it."""

    revenue_account = RevenueAccountChoiceField(
        label=_("Revenue account"), queryset=LedgerAccount.objects.none(), empty_label=None
    )
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_LENGTH)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=15, decimal_places=3, max_value=MAX_QUANTITY, widget=QuantityInput()
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE, widget=QuantityInput()
    )
    tax_code = forms.ModelChoiceField(
        label=_("Tax code"),
        queryset=TaxCode.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("(the item's)"),
    )
    item = item_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The select offers revenue accounts only; the service refuses any other account too.
        self.fields["revenue_account"].queryset = revenue_account_list()
        self.fields["item"].required = False
        self.fields["item"].help_text = _("Optional: its tax code applies when none is chosen.")
        self.fields["revenue_account"].widget.attrs["autofocus"] = True

    def line_input(self) -> FreeTextLineInput:
        data = self.cleaned_data
        return FreeTextLineInput(
            revenue_account=data["revenue_account"],
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            tax_code=data["tax_code"],
            item=data["item"],
        )

    @staticmethod
    def initial_for(line) -> dict:
        return {
            "revenue_account": line.revenue_account_id,
            "description": line.description,
            "quantity": line.quantity.normalize(),
            "unit_price": line.unit_price.normalize(),
            "tax_code": line.tax_code.code if line.tax_code_id else None,
            "item": line.item_id,
        }
