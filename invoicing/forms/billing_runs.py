"""The billing run form: the date to bill up to (the preview and the start read it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesapp.forms.widgets import DateInput


class BillingRunForm(forms.Form):
    bill_until = forms.DateField(
        label=_("Bill until"),
        widget=DateInput(),
        help_text=_("Every subscription period starting on or before this date is billed."),
    )
