"""Exchange rate forms: they parse what the manager typed; the service judges it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicing.models.exchange_rates import RATE_DIGITS, RATE_PLACES
from salesapp.choices import Currency
from salesapp.forms.widgets import DateInput
from salesapp.selectors.pricing import company_currency


def _foreign_currencies() -> list[tuple[str, str]]:
    return [(code, label) for code, label in Currency.choices if code != company_currency()]


class ExchangeRateFilterForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", _("All")), *_foreign_currencies()]

    def filters(self) -> dict:
        self.is_valid()
        return {"currency": getattr(self, "cleaned_data", {}).get("currency") or ""}


class ExchangeRateForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=RATE_DIGITS,
        decimal_places=RATE_PLACES,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = _foreign_currencies()
        self.fields["rate"].help_text = _("What one unit is worth in %(currency)s.") % {"currency": company_currency()}


class ExchangeRateImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
