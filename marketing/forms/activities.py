"""Forms for activities: they parse what the clerk typed; the activity services judge it."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ValidationFailed
from core.listing import date_field, record_field
from core.widgets import AutocompleteField
from marketing.choices import ActivityType, CallOutcome
from marketing.forms.leads import LEAD_LOOKUP
from marketing.forms.parties import PARTY_LOOKUP
from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity, Party
from marketing.selectors.activities import document_find
from marketing.services.activities import activity_create, activity_update

OWNER_ME = "me"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def owner_choices():
    return get_user_model().objects.filter(is_active=True).order_by("username")


def user_label(user) -> str:
    return user.get_full_name() or user.username


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


class ActivityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Subject, notes, party"), "autofocus": True}),
    )
    activity_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *ActivityType.choices]
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("done", _("Done")), ("all", _("All"))],
        initial="open",
    )
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = forms.DateField(label=_("Due until"), required=False, widget=DateInput())
    followup = forms.ChoiceField(
        label=_("Follow-up"),
        required=False,
        choices=[("", _("Any due date")), ("overdue", _("Overdue")), ("today", _("Due today"))],
    )
    # Set by links from a party page; shown as a removable chip rather than a list of every party.
    party = record_field(Party.objects.all(), label=_("Party"))
    date_from = date_field(_("Created from"))
    date_to = date_field(_("Created until"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].choices = [
            ("", _("Everyone")),
            (OWNER_ME, _("Me")),
            *[(str(owner.pk), user_label(owner)) for owner in owner_choices()],
        ]

    def filters(self) -> dict:
        """Selector arguments from whatever part of the query string is valid; open activities by default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        owner = data.get("owner") or ""
        status = data.get("status") or "open"
        return {
            "search": (data.get("q") or "").strip(),
            "activity_type": data.get("activity_type") or "",
            "owner": self.user if owner == OWNER_ME else (get_user_model()(pk=int(owner)) if owner else None),
            "done": {"open": False, "done": True}.get(status),
            "due_after": _start_of(data.get("due_from")),
            # "until" a date includes that whole day.
            "due_before": _start_of(data["due_to"] + datetime.timedelta(days=1)) if data.get("due_to") else None,
            "party": data.get("party"),
            "followup": data.get("followup") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _hidden_choice(queryset, label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=queryset, required=False, widget=forms.HiddenInput)


def _document_of(key) -> object | None:
    document_type, _colon, document_id = str(key or "").partition(":")
    if not document_id.isdigit():
        return None
    return document_find(document_type=document_type, document_id=int(document_id))[0]


class ActivityForm(forms.Form):
    """Plan (or log) an activity. A new one is linked to what the page it was started from prefilled;
    those links stay as they are when it is edited."""

    activity_type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices, initial=ActivityType.CALL)
    subject = forms.CharField(label=_("Subject"), max_length=200, widget=forms.TextInput(attrs={"autofocus": True}))
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=DateTimeLocalInput())
    owner = OwnerChoiceField(label=_("Owner"), queryset=owner_choices())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    party = AutocompleteField(label=_("Party"), lookup=PARTY_LOOKUP, queryset=Party.objects.all(), required=False)
    lead = AutocompleteField(
        label=_("Lead"),
        lookup=LEAD_LOOKUP,
        queryset=Lead.objects.all(),
        required=False,
        help_text=_("A party or a lead is needed; an opportunity or campaign target brings its own."),
    )
    opportunity = _hidden_choice(Opportunity.objects.all(), _("Opportunity"))
    campaign = _hidden_choice(Campaign.objects.all(), _("Campaign"))
    campaign_target = _hidden_choice(CampaignTarget.objects.select_related("campaign"), _("Campaign target"))
    # A sales or invoicing document, named "app_label.model:id" by the page the activity was planned from.
    document = forms.CharField(label=_("Document"), required=False, widget=forms.HiddenInput)
    done = forms.BooleanField(label=_("Already done"), required=False)
    outcome = forms.ChoiceField(label=_("Call outcome"), required=False, choices=[("", "—"), *CallOutcome.choices])

    LINK_FIELDS = ("party", "lead", "opportunity", "campaign", "campaign_target")
    CREATE_ONLY_FIELDS = (*LINK_FIELDS, "document", "done", "outcome")

    def __init__(self, *args, instance: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            for name in self.CREATE_ONLY_FIELDS:
                del self.fields[name]

    def linked(self) -> list[tuple[str, object]]:
        """The prefilled records (opportunity, campaign, target) a new activity will be linked to, to show
        above the form since their fields are hidden."""
        if self.instance is not None:
            return []
        found = []
        for name in ("opportunity", "campaign", "campaign_target"):
            value = self[name].value()
            record = self.fields[name].queryset.filter(pk=value).first() if str(value or "").isdigit() else None
            if record is not None:
                found.append((self.fields[name].label, record))
        document = _document_of(self["document"].value())
        if document is not None:
            found.append((capfirst(document._meta.verbose_name), document))
        return found

    def clean_document(self):
        value = self.cleaned_data.get("document") or ""
        if not value:
            return None
        document = _document_of(value)
        if document is None:
            raise forms.ValidationError(_("The document this activity was planned from no longer exists."))
        return document

    def save(self, *, by) -> Activity:
        data = self.cleaned_data
        if self.instance is not None:
            return activity_update(
                activity=self.instance,
                by=by,
                **{name: data[name] for name in ("activity_type", "subject", "due_at", "owner", "notes")},
            )
        return activity_create(
            by=by,
            activity_type=data["activity_type"],
            subject=data["subject"],
            due_at=data["due_at"],
            owner=data["owner"],
            notes=data["notes"],
            done=data["done"],
            outcome=data["outcome"],
            document=data["document"],
            **{name: data[name] for name in self.LINK_FIELDS},
        )


class ActivityCompleteForm(forms.Form):
    """Complete an activity and, when asked, schedule the next one (same links, same owner)."""

    outcome = forms.ChoiceField(label=_("Call outcome"), required=False, choices=[("", "—"), *CallOutcome.choices])
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    schedule_next = forms.BooleanField(label=_("Schedule the next one"), required=False)
    next_activity_type = forms.ChoiceField(label=_("Next: type"), required=False, choices=ActivityType.choices)
    next_subject = forms.CharField(label=_("Next: subject"), required=False, max_length=200)
    next_due_at = forms.DateTimeField(label=_("Next: due"), required=False, widget=DateTimeLocalInput())

    def __init__(self, *args, activity: Activity, **kwargs):
        kwargs.setdefault("prefix", f"complete-{activity.pk}")
        kwargs.setdefault("initial", {"next_activity_type": activity.activity_type})
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity.activity_type != ActivityType.CALL:
            del self.fields["outcome"]
        first = "outcome" if "outcome" in self.fields else "notes"
        self.fields[first].widget.attrs["autofocus"] = True

    def next_activity(self) -> dict | None:
        data = self.cleaned_data
        if not (data["schedule_next"] or data["next_subject"].strip()):
            return None
        return {
            "activity_type": data["next_activity_type"] or self.activity.activity_type,
            "subject": data["next_subject"],
            "due_at": data["next_due_at"],
        }

    def add_domain_error(self, exc: DomainError) -> None:
        """A refusal of the follow-up names ``next.<field>``; here that field is ``next_<field>``."""
        if isinstance(exc, ValidationFailed) and exc.field_errors:
            for field, message in exc.field_errors.items():
                name = field.replace("next.", "next_", 1)
                self.add_error(name if name in self.fields else None, message)
        else:
            self.add_error(None, exc.reason)
