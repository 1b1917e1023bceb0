"""Forms every document page shares."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    """The reason a clerk gives for a step such as cancel, disqualify or mark lost; it goes to the timeline.

    ``required`` follows the transition's declaration (``reason_required``)."""

    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required

    def given(self) -> str:
        return self.cleaned_data["reason"].strip() if self.is_valid() else ""
