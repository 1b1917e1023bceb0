"""The returned-order form: what of a delivered order comes back, and why."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import ZERO
from salesapp.forms.packing_slips import LineQuantitiesForm
from salesapp.models import SalesOrderLine


class ReturnedOrderForm(LineQuantitiesForm):
    """One quantity per line that can still come back (starting at 0), and the reason for the return."""

    quantity_label = _("Return")
    row_label = _("Quantity to return for line %(no)s")
    return_reason = forms.CharField(
        label=_("Return reason"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 60})
    )

    def __init__(self, *args, lines: list[SalesOrderLine], returnable: dict[int, Decimal], **kwargs):
        self.returnable = returnable
        super().__init__(*args, lines=lines, **kwargs)

    def quantity_for(self, line: SalesOrderLine) -> Decimal | None:
        return ZERO if self.returnable.get(line.pk, ZERO) > 0 else None

    def rows(self):
        """(order line, what can still come back, bound quantity field) for the table."""
        return [(line, self.returnable[line.pk], field) for line, field in super().rows()]
