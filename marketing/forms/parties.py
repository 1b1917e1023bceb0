"""Forms for parties, their contact persons and addresses: they parse what the clerk typed; the party services
judge it and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import Lookup
from marketing.choices import Language, PartyKind, RelationshipStage
from marketing.models import Address, Contact, Party, Tag
from marketing.services.parties import (
    address_create,
    address_update,
    contact_create,
    contact_update,
    party_create,
    party_update,
)


def party_label(party: Party) -> str:
    place = ", ".join(part for part in (party.city, party.country) if part)
    return f"{party.name} ({place})" if place else party.name


# Parties have no number: they are found by name (marketing:party_suggestions).
PARTY_LOOKUP = Lookup(
    url="marketing:party_suggestions", number=None, names=("name",), label=party_label, noun=_("party")
)


def tag_names_parsed(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


class PartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *RelationshipStage.choices]
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartyKind.choices])
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            placeholder=_("Name, email, city or contact"), type="search", autofocus=True
        )
        self.fields["tag"].choices = [
            ("", _("All tags")),
            *((name, name) for name in Tag.objects.values_list("name", flat=True)),
        ]
        self.fields["country"].widget.attrs.update(placeholder="NL", size=4)
        self.fields["city"].widget.attrs.update(size=12)
        for name in ("q", "stage", "tag", "kind", "language"):
            # The toolbar shows no label next to these: the placeholder or first choice says what they are.
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def filters(self) -> dict[str, str]:
        """What the party list selector is asked for; an invalid filter is left out rather than failing the page."""
        wanted = self.cleaned_data if self.is_valid() else {}
        return {
            "search": wanted.get("q", "").strip(),
            "stage": wanted.get("stage", ""),
            "tag": wanted.get("tag", ""),
            "kind": wanted.get("kind", ""),
            "country": wanted.get("country", "").strip(),
            "city": wanted.get("city", "").strip(),
            "language": wanted.get("language", ""),
        }


def language_from_country_offered(form: forms.ModelForm) -> None:
    """On a new party the language may be left empty: the party service then takes the country's."""
    if form.instance.pk:
        return
    field = form.fields["language"]
    field.required = False
    field.choices = [("", _("From the country")), *Language.choices]
    field.help_text = _("Empty: Dutch for NL, Swedish for SE, English elsewhere.")
    if not form.is_bound:
        form.initial["language"] = ""


class PartyForm(forms.ModelForm):
    """The model's fields and labels, the tags as comma-separated names (a new name makes a new tag) and, on
    create, the confirmation that a party that looks like an existing one is a different party."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas; a new name creates a new tag."),
    )
    allow_duplicate = forms.BooleanField(
        label=_("Create anyway: this is a different party"),
        required=False,
    )

    class Meta:
        model = Party
        fields = ["name", "kind", "email", "phone", "street", "postcode", "city", "country", "language", "vat_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True
        self.fields["tags"].widget.attrs["list"] = "party-tag-names"
        language_from_country_offered(self)
        if self.instance.pk:
            del self.fields["allow_duplicate"]
            if not self.is_bound:
                self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def save(self, *, by) -> Party:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        tags = tag_names_parsed(self.cleaned_data["tags"])
        if self.instance.pk:
            return party_update(party=self.instance, by=by, tags=tags, **data)
        return party_create(by=by, tags=tags, allow_duplicate=self.cleaned_data["allow_duplicate"], **data)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "job_title", "email", "phone", "is_primary"]

    def __init__(self, *args, party: Party, **kwargs):
        super().__init__(*args, **kwargs)
        self.party = party
        self.fields["name"].widget.attrs["autofocus"] = True

    def save(self, *, by) -> Contact:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk:
            return contact_update(contact=self.instance, by=by, **data)
        return contact_create(party=self.party, by=by, **data)


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["purpose", "name", "street", "postcode", "city", "country", "is_default"]

    def __init__(self, *args, party: Party, **kwargs):
        super().__init__(*args, **kwargs)
        self.party = party
        self.fields["purpose"].widget.attrs["autofocus"] = True

    def save(self, *, by) -> Address:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk:
            return address_update(address=self.instance, by=by, **data)
        return address_create(party=self.party, by=by, **data)


class PartyMergeSearchForm(forms.Form):
    q = forms.CharField(label=_("Find the other party"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            placeholder=_("Name, email, city or contact"), type="search", autofocus=True
        )


class PartyMergeForm(forms.Form):
    remove = forms.ModelChoiceField(queryset=Party.objects.all(), widget=forms.HiddenInput)
