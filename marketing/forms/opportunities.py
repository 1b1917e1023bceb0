"""Forms for opportunities: they parse what the clerk typed; the opportunity services judge it and save it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.listing import date_field, record_field
from core.widgets import AutocompleteField
from marketing.choices import OpportunityState
from marketing.forms.leads import DateInput, UserChoiceField, active_users, campaign_choices
from marketing.forms.parties import PARTY_LOOKUP
from marketing.models import Campaign, Contact, Lead, Opportunity, Party
from marketing.selectors.opportunities import stage_list
from marketing.services.opportunities import opportunity_create, opportunity_update


def active_stages():
    return stage_list(active=True)


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, subject, party"), "autofocus": True}),
    )
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *OpportunityState.choices]
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        required=False,
        queryset=stage_list(),
        empty_label=_("All stages"),
    )
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users(), empty_label=_("All owners"))
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=campaign_choices(), empty_label=_("All campaigns")
    )
    # Set by links from a party page; shown as a removable chip rather than a list of every party.
    party = record_field(Party.objects.all(), label=_("Party"))
    close_from = forms.DateField(label=_("Closing from"), required=False, widget=DateInput())
    close_to = forms.DateField(label=_("Closing until"), required=False, widget=DateInput())
    date_from = date_field(_("Created from"))
    date_to = date_field(_("Created until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("q", "state", "stage", "owner", "campaign"):
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def pk(name):
            return data[name].pk if data.get(name) else None

        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state") or "",
            "stage_id": pk("stage"),
            "owner_id": pk("owner"),
            "campaign_id": pk("campaign"),
            "party_id": pk("party"),
            "close_from": data.get("close_from"),
            "close_to": data.get("close_to"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class PipelineFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Subject, party"), "autofocus": True}),
    )
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users(), empty_label=_("All owners"))
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=campaign_choices(), empty_label=_("All campaigns")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "campaign_id": data["campaign"].pk if data.get("campaign") else None,
        }


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.party.name})"


class OpportunityForm(forms.ModelForm):
    """Create or edit an opportunity. A new one may be prefilled from a party, a campaign or a lead; its
    probability, left empty, is the stage's default. The stage of an existing one moves on its own page."""

    party = AutocompleteField(label=_("Party"), lookup=PARTY_LOOKUP, queryset=Party.objects.all())
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users())
    contact = ContactChoiceField(label=_("Contact person"), required=False, queryset=Contact.objects.none())
    probability = forms.DecimalField(
        label=_("Probability %"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Empty: the stage's default probability."),
    )
    lead = forms.ModelChoiceField(required=False, queryset=Lead.objects.all(), widget=forms.HiddenInput)

    class Meta:
        model = Opportunity
        fields = [
            "party",
            "name",
            "stage",
            "expected_revenue",
            "probability",
            "expected_close_date",
            "owner",
            "contact",
            "campaign",
            "description",
            "lead",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "expected_close_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaign_choices()
        self.fields["stage"].queryset = active_stages()
        party_id = self._party_id()
        self.fields["contact"].queryset = Contact.objects.select_related("party").filter(party_id=party_id)
        if self.instance.pk:
            del self.fields["stage"]
            del self.fields["lead"]
        else:
            self.fields["stage"].required = False
            self.fields["stage"].empty_label = _("First stage")
        # Start where the clerk has something to type: the party when none is chosen yet, else the subject.
        first = "name" if party_id else "party"
        self.fields[first].widget.attrs["autofocus"] = True

    def _party_id(self):
        if self.is_bound:
            value = self.data.get(self.add_prefix("party"), "")
            return int(value) if str(value).isdigit() else None
        return self.initial.get("party") or self.instance.party_id

    def _post_clean(self):
        # The service judges the opportunity and says why in the clerk's words.
        pass

    def save(self, *, by) -> Opportunity:
        data = {name: self.cleaned_data[name] for name in self.fields}
        if self.instance.pk:
            if data["probability"] is None:
                data.pop("probability")
            return opportunity_update(opportunity=self.instance, by=by, **data)
        return opportunity_create(by=by, **data)


def opportunity_initial_from(*, party: Party | None, campaign: Campaign | None, lead: Lead | None) -> dict:
    """What a new opportunity for a party, from a campaign or from a lead starts with."""
    initial: dict = {}
    if lead is not None:
        initial.update(lead=lead.pk, name=lead.display_name[:200], owner=lead.owner_id, description=lead.notes)
        party = party or lead.party
        campaign = campaign or lead.campaign
    if party is not None:
        initial["party"] = party.pk
    if campaign is not None:
        initial["campaign"] = campaign.pk
    return initial


class OpportunityStageForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=active_stages())
