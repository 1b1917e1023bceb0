"""The billing run forms: a subscription run's date to bill up to, a packing-slip run's customers, dates and
grouping (the preview and the start read them)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.widgets import AutocompleteField
from invoicing.choices import SummaryGrouping
from invoicing.selectors.summary_runs import invoice_monthly_customers
from salesapp.forms.customers import CUSTOMER_LOOKUP
from salesapp.forms.widgets import DateInput
from salesapp.models import Customer


class BillingRunForm(forms.Form):
    bill_until = forms.DateField(
        label=_("Bill until"),
        widget=DateInput(),
        help_text=_("Every subscription period starting on or before this date is billed."),
    )


class SummaryScope(models.TextChoices):
    MONTHLY = "monthly", _("Customers invoiced monthly")
    ALL = "all", _("All customers")
    CUSTOMER = "customer", _("One customer")


class SummaryRunForm(forms.Form):
    """A packing-slip run's choices: whose slips (the customers set to be invoiced monthly, all, or one found by
    number or name; never a list of every customer), the slips' ship dates and how they are grouped."""

    scope = forms.ChoiceField(
        label=_("Customers"), choices=SummaryScope.choices, initial=SummaryScope.MONTHLY, widget=forms.RadioSelect
    )
    customer = AutocompleteField(
        label=_("Customer"),
        lookup=CUSTOMER_LOOKUP,
        queryset=Customer.objects.select_related("party"),
        required=False,
        help_text=_("For “One customer”: type a number or a name."),
    )
    slips_from = forms.DateField(label=_("Slips shipped from"), required=False, widget=DateInput())
    slips_to = forms.DateField(
        label=_("Slips shipped until"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )
    grouping = forms.ChoiceField(label=_("Grouping"), choices=SummaryGrouping.choices, initial=SummaryGrouping.CUSTOMER)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == SummaryScope.CUSTOMER and not data.get("customer"):
            self.add_error("customer", _("Choose the customer to invoice."))
        elif scope == SummaryScope.MONTHLY and not invoice_monthly_customers().exists():
            self.add_error(
                "scope",
                _("No customer is set to be invoiced monthly: choose all customers or one customer."),
            )
        return data

    def chosen_customers(self):
        """The customers the run invoices; None: all."""
        scope = self.cleaned_data["scope"]
        if scope == SummaryScope.ALL:
            return None
        if scope == SummaryScope.CUSTOMER:
            return [self.cleaned_data["customer"]]
        return list(invoice_monthly_customers())
