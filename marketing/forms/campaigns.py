"""Forms of the campaign pages: they shape what the clerk typed for the campaign services, which hold the rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core import roles
from core.money import ZERO
from marketing.choices import (
    CallOutcome,
    CampaignState,
    CampaignType,
    Language,
    PartyKind,
    Response,
    TargetSource,
    TargetStatus,
)
from marketing.models import Campaign, OpportunityStage, Segment, Tag
from marketing.services.campaign_targets import SalesStart
from marketing.services.campaigns import CAMPAIGN_FIELDS, campaign_create, campaign_update
from marketing.services.segments import segment_create, segment_update

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def active_users():
    """The people who may own a campaign or a call: integrators are programs, not people."""
    return get_user_model().objects.filter(is_active=True).exclude(groups__name=roles.INTEGRATOR).order_by("username")


def callers():
    """Who can take a call list: active people whose role may work on campaign targets."""
    return (
        get_user_model()
        # Named: the login lockout's backend is listed too, and it grants nothing.
        .objects.with_perm(
            "marketing.change_campaigntarget", include_superusers=False, backend="core.auth_backends.ModelBackend"
        )
        .filter(is_active=True)
        .exclude(groups__name=roles.INTEGRATOR)
        .order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


# --- campaigns -----------------------------------------------------------------------------------------------------


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *CampaignState.choices])
    campaign_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *CampaignType.choices]
    )
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users(), empty_label=_("Anyone"))
    date_from = forms.DateField(label=_("Running from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("to"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()
        self.fields["q"].widget.attrs.update(
            placeholder=_("Number, name or description"), type="search", autofocus=True
        )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        owner = data.get("owner")
        return {
            "search": (data.get("q") or "").strip(),
            "state": data.get("state", ""),
            "campaign_type": data.get("campaign_type", ""),
            "owner_id": owner.pk if owner else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class CampaignForm(forms.Form):
    """What a clerk types about a campaign; the services check it (dates, budget, the email text) and save it."""

    name = forms.CharField(label=_("Name"), max_length=200)
    campaign_type = forms.ChoiceField(label=_("Type"), choices=CampaignType.choices)
    owner = UserChoiceField(label=_("Owner"), required=False, queryset=active_users())
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    budget = forms.DecimalField(label=_("Budget"), required=False, max_digits=16, decimal_places=2)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    email_subject = forms.CharField(
        label=_("Email subject"),
        required=False,
        max_length=200,
        help_text=_("Email campaigns: the subject of the email; mailings: the subject of the letter."),
    )
    email_body = forms.CharField(
        label=_("Email text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Written once, filled in per target: {{ target.name }}, {{ target.contact_name }}, {{ target.city }}, "
            "{{ campaign.name }}. Email gets an unsubscribe link at the end; mailings use it as the letter."
        ),
    )

    def __init__(self, *args, instance: Campaign | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in CAMPAIGN_FIELDS}
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()
        self.fields["name"].widget.attrs["autofocus"] = True
        if instance is not None and instance.state != CampaignState.PLANNED:
            # A running campaign keeps its type; the form shows it without offering a change.
            self.fields["campaign_type"].disabled = True

    def save(self, *, by) -> Campaign:
        data = dict(self.cleaned_data)
        if data.get("budget") is None:
            data["budget"] = ZERO
        if self.instance is not None:
            return campaign_update(campaign=self.instance, by=by, **data)
        return campaign_create(by=by, **data)


# --- segment filters -----------------------------------------------------------------------------------------------


class SegmentFiltersForm(forms.Form):
    """The target filters as form fields; ``filters()`` gives the dict the segment services store."""

    roles = forms.MultipleChoiceField(
        label=_("Select"),
        required=False,
        choices=TargetSource.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all four."),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartyKind.choices])
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), required=False, queryset=Tag.objects.all(), to_field_name="name", help_text=_("Any of them.")
    )
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    stage = forms.ModelMultipleChoiceField(
        label=_("Opportunity stage"),
        required=False,
        queryset=OpportunityStage.objects.filter(active=True),
        help_text=_("Only for opportunities."),
    )
    last_activity_after = forms.DateField(label=_("Last activity after"), required=False, widget=DATE)
    last_activity_before = forms.DateField(
        label=_("Last activity before"),
        required=False,
        widget=DATE,
        help_text=_("Includes those never in touch."),
    )
    no_activity_days = forms.IntegerField(
        label=_("No activity for (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Counted back from the day the targets are added; includes those never in touch."),
    )
    has_open_opportunity = forms.ChoiceField(
        label=_("Open opportunity"),
        required=False,
        choices=[("", _("Does not matter")), ("true", _("Has one")), ("false", _("Has none"))],
    )
    search = forms.CharField(label=_("Name, email or city contains"), required=False, max_length=100)

    FILTER_FIELDS = (
        "roles",
        "kind",
        "tags",
        "country",
        "city",
        "language",
        "stage",
        "last_activity_after",
        "last_activity_before",
        "no_activity_days",
        "has_open_opportunity",
        "search",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.all()
        self.fields["stage"].queryset = OpportunityStage.objects.filter(active=True)
        self.fields["country"].widget.attrs.update(placeholder="NL", size=4)

    @staticmethod
    def initial_from(filters: dict) -> dict:
        initial = {key: value for key, value in (filters or {}).items() if key != "has_open_opportunity"}
        if "has_open_opportunity" in (filters or {}):
            initial["has_open_opportunity"] = "true" if filters["has_open_opportunity"] else "false"
        return initial

    def filters(self) -> dict:
        data = self.cleaned_data
        found = {
            "roles": data.get("roles") or [],
            "kind": data.get("kind") or "",
            "tags": [tag.name for tag in data.get("tags") or []],
            "country": (data.get("country") or "").strip(),
            "city": (data.get("city") or "").strip(),
            "language": data.get("language") or "",
            "stage": [stage.pk for stage in data.get("stage") or []],
            "last_activity_after": data["last_activity_after"].isoformat() if data.get("last_activity_after") else "",
            "last_activity_before": data["last_activity_before"].isoformat()
            if data.get("last_activity_before")
            else "",
            "no_activity_days": data.get("no_activity_days"),
            "has_open_opportunity": {"true": True, "false": False}.get(data.get("has_open_opportunity") or ""),
            "search": (data.get("search") or "").strip(),
        }
        return {key: value for key, value in found.items() if value not in ("", [], None)}


class AddTargetsForm(SegmentFiltersForm):
    segment = forms.ModelChoiceField(
        label=_("Saved segment"),
        required=False,
        queryset=Segment.objects.all(),
        empty_label=_("None: use the filters below"),
    )
    save_as = forms.CharField(
        label=_("Save the filters as a segment named"),
        required=False,
        max_length=100,
        help_text=_("Optional: to apply the same selection to another campaign later."),
    )

    field_order = ["segment", *SegmentFiltersForm.FILTER_FIELDS, "save_as"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.order_by("name")


class SegmentForm(SegmentFiltersForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    field_order = ["name", "description", *SegmentFiltersForm.FILTER_FIELDS]

    def __init__(self, *args, instance: Segment | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "description": instance.description,
                **self.initial_from(instance.filters),
            }
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True

    def save(self, *, by) -> Segment:
        data = {"name": self.cleaned_data["name"], "description": self.cleaned_data["description"]}
        if self.instance is not None:
            return segment_update(segment=self.instance, by=by, filters=self.filters(), **data)
        return segment_create(by=by, filters=self.filters(), **data)


# --- targets -------------------------------------------------------------------------------------------------------


class TargetFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *TargetStatus.choices])
    response = forms.ChoiceField(
        label=_("Response"), required=False, choices=[("", _("Any response")), *Response.choices]
    )
    assigned_to = UserChoiceField(
        label=_("Assigned to"), required=False, queryset=active_users(), empty_label=_("Anyone")
    )
    source = forms.ChoiceField(
        label=_("Selected as"), required=False, choices=[("", _("Any role")), *TargetSource.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = active_users()
        self.fields["q"].widget.attrs.update(placeholder=_("Name or email"), type="search")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        assigned = data.get("assigned_to")
        return {
            "search": (data.get("q") or "").strip(),
            "status": data.get("status", ""),
            "response": data.get("response", ""),
            "assigned_to_id": assigned.pk if assigned else None,
            "source": data.get("source", ""),
        }


class AssignCallsForm(forms.Form):
    users = UsersChoiceField(
        label=_("Callers"), queryset=callers(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = callers()


RESPONSE_HELP = _(
    "Positive: interested; it can start a lead or an opportunity right away. Negative: not interested. "
    "No answer: no reaction came. Unsubscribed: wants no more campaign email; the address is left out of "
    "later email campaigns."
)


class TargetRespondForm(forms.Form):
    # No response is preselected: a clerk who saves without choosing must not record a positive one by accident.
    response = forms.ChoiceField(
        label=_("Response"),
        choices=[("", _("Choose a response")), *Response.choices],
        error_messages={"required": _("Choose a response: positive, negative, no answer or unsubscribed.")},
        help_text=RESPONSE_HELP,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE, help_text=_("Empty: today."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.ChoiceField(
        label=_("Start the sales process"),
        choices=SalesStart.choices,
        initial=SalesStart.NONE,
        widget=forms.RadioSelect,
        help_text=_("For a positive response."),
    )
    opportunity_name = forms.CharField(
        label=_("Opportunity subject"), required=False, max_length=200, help_text=_("Empty: campaign and name.")
    )
    expected_revenue = forms.DecimalField(
        label=_("Expected revenue"), required=False, min_value=0, max_digits=16, decimal_places=2
    )


class CallLogForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    response = forms.ChoiceField(
        label=_("Response"),
        required=False,
        choices=[("", _("No response yet")), *Response.choices],
        help_text=RESPONSE_HELP,
    )
    start = forms.ChoiceField(
        label=_("Start the sales process"),
        choices=SalesStart.choices,
        initial=SalesStart.NONE,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("For a positive response."),
    )
    follow_up_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
