"""Forms for leads: they parse what the clerk typed; the lead services judge it and save it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.listing import date_field, record_field
from core.widgets import AutocompleteField, Lookup
from marketing.choices import LeadSource, LeadState, PartyKind
from marketing.forms.parties import PARTY_LOOKUP
from marketing.models import Campaign, Lead, Party
from marketing.selectors.opportunities import stage_list
from marketing.services.lead_import import ACCEPTED_COLUMNS
from marketing.services.leads import lead_create, lead_update

NEW_PARTY = "new"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


def campaign_choices():
    return Campaign.objects.order_by("-id")


# The lead list's "open" status: new and qualified leads, as the dashboard counts them.
OPEN_LEADS = "open"


def lead_label(lead: Lead) -> str:
    return f"{lead.number} {lead.display_name}"


# Leads are found by number, company or contact name (marketing:lead_suggestions).
LEAD_LOOKUP = Lookup(
    url="marketing:lead_suggestions",
    number="number",
    names=("company_name", "contact_name"),
    label=lead_label,
    noun=_("lead"),
)


class LeadFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Number, company, contact, email"), "autofocus": True}),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), (OPEN_LEADS, _("Open (new or qualified)")), *LeadState.choices],
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All sources")), *LeadSource.choices])
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=campaign_choices(), empty_label=_("All campaigns")
    )
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users(), empty_label=_("All owners"))
    party = record_field(Party.objects.all(), label=_("Party"))
    date_from = date_field(_("Created from"))
    date_to = date_field(_("Created until"))
    # Set by the import page's link to the leads it just made; not shown as a field.
    number_from = forms.CharField(required=False, widget=forms.HiddenInput)
    number_to = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("q", "state", "source", "campaign", "owner"):
            # The toolbar shows no label next to these: the placeholder or first choice says what they are.
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "state": "" if data.get("state") == OPEN_LEADS else data.get("state") or "",
            "open_only": data.get("state") == OPEN_LEADS,
            "source": data.get("source") or "",
            "campaign_id": data["campaign"].pk if data.get("campaign") else None,
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "party_id": data["party"].pk if data.get("party") else None,
            "created_from": data.get("date_from"),
            "created_to": data.get("date_to"),
            "number_from": (data.get("number_from") or "").strip(),
            "number_to": (data.get("number_to") or "").strip(),
        }


class LeadForm(forms.ModelForm):
    """Create or edit a lead; a new one may be prefilled from a party or a campaign."""

    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users())
    party = AutocompleteField(label=_("Party"), lookup=PARTY_LOOKUP, queryset=Party.objects.all(), required=False)

    class Meta:
        model = Lead
        fields = [
            "company_name",
            "contact_name",
            "email",
            "phone",
            "postcode",
            "city",
            "country",
            "source",
            "campaign",
            "party",
            "owner",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company_name"].widget.attrs["autofocus"] = True
        self.fields["campaign"].queryset = campaign_choices()
        self.fields["party"].help_text = _("Leave empty for a lead from someone not recorded yet.")
        self.fields["country"].widget.attrs.update(size=4, placeholder="NL")

    def _post_clean(self):
        # The service judges the lead (and says why in the clerk's words); the model's own checks would
        # only repeat it less clearly.
        pass

    def save(self, *, by) -> Lead:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk:
            return lead_update(lead=self.instance, by=by, **data)
        return lead_create(by=by, **data)


def lead_initial_from(*, party: Party | None, campaign: Campaign | None) -> dict:
    """What a new lead for a party or from a campaign starts with."""
    initial: dict = {}
    if campaign is not None:
        initial.update(campaign=campaign.pk, source=LeadSource.CAMPAIGN)
    if party is not None:
        is_person = party.kind == PartyKind.PERSON
        initial.update(
            party=party.pk,
            company_name="" if is_person else party.name,
            contact_name=party.name if is_person else "",
            email=party.email,
            phone=party.phone,
            postcode=party.postcode,
            city=party.city,
            country=party.country,
        )
    return initial


class LeadConvertForm(forms.Form):
    """The opportunity to create and, when parties like the lead's exist already, which one to use."""

    party = forms.ChoiceField(label=_("Party"), widget=forms.RadioSelect, required=False)
    opportunity_name = forms.CharField(label=_("Opportunity subject"), max_length=200, required=False)
    expected_revenue = forms.DecimalField(
        label=_("Expected revenue"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=stage_list(active=True))
    expected_close_date = forms.DateField(label=_("Expected close date"), required=False, widget=DateInput())

    def __init__(self, *args, lead: Lead, candidates: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.candidates = {str(party.pk): party for party in candidates}
        self.fields["opportunity_name"].initial = lead.display_name[:200]
        if self.is_bound:
            # Shown again with errors: start where they are. On the lead page it waits for the clerk.
            self.fields["opportunity_name"].widget.attrs["autofocus"] = True
        stages = list(self.fields["stage"].queryset)
        self.fields["stage"].initial = stages[0].pk if stages else None
        if lead.party_id or not candidates:
            # Nothing to choose: the lead's party, or a new prospect made from the lead.
            del self.fields["party"]
        else:
            self.fields["party"].choices = [
                *((pk, party_label(party)) for pk, party in self.candidates.items()),
                (NEW_PARTY, _("None of these: create a new prospect from the lead")),
            ]
            self.fields["party"].required = True

    def clean_party(self):
        value = self.cleaned_data.get("party")
        return self.candidates.get(value) if value and value != NEW_PARTY else None

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "party": data.get("party"),
            "allow_duplicate_party": "party" in self.fields and data.get("party") is None,
            "opportunity_name": data.get("opportunity_name") or None,
            "expected_revenue": data.get("expected_revenue") or 0,
            "stage": data["stage"],
            "expected_close_date": data.get("expected_close_date"),
        }


def party_label(party: Party) -> str:
    details = ", ".join(part for part in (party.email, f"{party.postcode} {party.city}".strip()) if part)
    return f"{party.name} ({details})" if details else party.name


class LeadImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv", "autofocus": True}),
    )
    default_source = forms.ChoiceField(
        label=_("Source for rows without one"), choices=LeadSource.choices, initial=LeadSource.IMPORT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("UTF-8, separated by ; or , with a header row. Columns: %(columns)s.") % {
            "columns": ", ".join(ACCEPTED_COLUMNS)
        }
