"""The billing run forms: a subscription run's date to bill up to, a packing-slip run's customers, dates and
grouping (the preview and the start read them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicing.choices import SummaryGrouping
from salesapp.forms.widgets import DateInput
from salesapp.models import Customer


class BillingRunForm(forms.Form):
    bill_until = forms.DateField(
        label=_("Bill until"),
        widget=DateInput(),
        help_text=_("Every subscription period starting on or before this date is billed."),
    )


class SummaryRunForm(forms.Form):
    """A packing-slip run's choices: the customers (the "invoice monthly" ones to start with), or all of them,
    the slips' ship dates and how they are grouped into invoices."""

    all_customers = forms.BooleanField(
        label=_("All customers"), required=False, help_text=_("Invoice every customer's slips; the list is ignored.")
    )
    customers = forms.ModelMultipleChoiceField(
        label=_("Customers"),
        queryset=Customer.objects.select_related("party").order_by("number"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The customers set to be invoiced monthly are chosen to start with."),
    )
    slips_from = forms.DateField(label=_("Slips shipped from"), required=False, widget=DateInput())
    slips_to = forms.DateField(
        label=_("Slips shipped until"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )
    grouping = forms.ChoiceField(label=_("Grouping"), choices=SummaryGrouping.choices, initial=SummaryGrouping.CUSTOMER)

    def clean(self):
        data = super().clean()
        if not data.get("all_customers") and not data.get("customers"):
            self.add_error("customers", _("Choose the customers to invoice, or all customers."))
        return data

    def chosen_customers(self):
        """The customers the run invoices; None: all."""
        return None if self.cleaned_data["all_customers"] else list(self.cleaned_data["customers"])
