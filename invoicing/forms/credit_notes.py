"""The credit note form: an amount per line of the posted invoice and a reason; the service judges them."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.money import MONEY_QUANTUM, ZERO
from invoicing.services.credit_notes import credit_note_create


def _line_field(line_id: int) -> str:
    return f"line_{line_id}"


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, help_text=_("Price correction, goodwill … (shown on the credit note).")
    )

    def __init__(self, *args, invoice, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.lines = lines
        for line in lines:
            self.fields[_line_field(line.pk)] = forms.DecimalField(
                label=_("Amount to credit"),
                required=False,
                min_value=ZERO,
                max_digits=16,
                decimal_places=2,
                step_size=MONEY_QUANTUM,
                # The field sits in the line's row: its name says which line, for screen readers and keyboards.
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Amount to credit on line %(line)s") % {"line": line.line_no}}
                ),
            )
        for line in lines:
            line.field = self[_line_field(line.pk)]

    def save(self, *, by):
        amounts = {
            line.pk: self.cleaned_data[_line_field(line.pk)]
            for line in self.lines
            if self.cleaned_data.get(_line_field(line.pk))
        }
        try:
            return credit_note_create(invoice=self.invoice, lines=amounts, reason=self.cleaned_data["reason"], by=by)
        except ValidationFailed as exc:
            # The service names a line ``lines[<id>].amount``; on this page that is the line's amount field.
            raise ValidationFailed(
                code=exc.code,
                field_errors={_field_of(key, self.fields): message for key, message in exc.field_errors.items()},
            ) from exc


def _field_of(key: str, fields) -> str:
    match = re.fullmatch(r"lines\[(\d+)\](\..+)?", key)
    if match and _line_field(match[1]) in fields:
        return _line_field(match[1])
    return key
