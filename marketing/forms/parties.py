from django import forms
from django.utils.translation import gettext_lazy as _

from marketing.choices import PartyKind
from marketing.models import Party
from marketing.services.parties import party_create, party_update


class PartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartyKind.choices])
    country = forms.CharField(label=_("Country"), required=False, max_length=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("Name, email or city"), type="search", autofocus=True)
        self.fields["country"].widget.attrs.update(placeholder="NL", size=4)


class PartyForm(forms.ModelForm):
    """The model's fields and labels; saving goes through the party services, whose refusals the view
    puts back on the named field."""

    class Meta:
        model = Party
        fields = ["name", "kind", "email", "phone", "street", "postcode", "city", "country", "language", "vat_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True

    def save(self, *, by) -> Party:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk:
            return party_update(party=self.instance, by=by, **data)
        return party_create(by=by, **data)
