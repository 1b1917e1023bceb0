"""Shapes of the campaign, target and segment resources; the rules are the services'."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketing.choices import (
    CallOutcome,
    CampaignType,
    Language,
    PartyKind,
    Response,
    TargetSource,
)
from marketing.models import Campaign, CampaignTarget, Lead, Opportunity, Party, Segment
from marketing.services.campaign_targets import SalesStart


class SegmentFilters(serializers.Serializer):
    """Documents the filter set only: the segment services validate it and name a bad key as filters.<key>."""

    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetSource.choices), required=False, help_text="None: all four."
    )
    kind = serializers.ChoiceField(choices=PartyKind.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False, help_text="Tag names; any of them.")
    country = serializers.CharField(required=False, help_text="ISO 3166 code, e.g. NL")
    city = serializers.CharField(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    stage = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Opportunity stage ids (opportunities only)."
    )
    last_activity_before = serializers.DateField(required=False, help_text="Includes those never in touch.")
    last_activity_after = serializers.DateField(required=False)
    no_activity_days = serializers.IntegerField(
        required=False, min_value=1, max_value=3650, help_text="No activity in this many days before today."
    )
    has_open_opportunity = serializers.BooleanField(required=False)
    search = serializers.CharField(required=False, help_text="Name, email or city contains.")


@extend_schema_field(SegmentFilters)
class SegmentFiltersField(serializers.JSONField):
    """Passed to the services as sent, so an unknown or misspelt key is refused rather than ignored."""


# --- campaigns -----------------------------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    targets_count = serializers.IntegerField(read_only=True)
    contacted_count = serializers.IntegerField(read_only=True)
    responded_count = serializers.IntegerField(read_only=True)
    positive_count = serializers.IntegerField(read_only=True)
    leads_count = serializers.IntegerField(read_only=True)
    opportunities_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "number",
            "name",
            "campaign_type",
            "state",
            "owner",
            "start_date",
            "end_date",
            "budget",
            "description",
            "email_subject",
            "email_body",
            "activated_at",
            "completed_at",
            "canceled_at",
            "cancel_reason",
            "targets_count",
            "contacted_count",
            "responded_count",
            "positive_count",
            "leads_count",
            "opportunities_count",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class CampaignInputSerializer(serializers.Serializer):
    """Shape only: dates, budget and the email text are checked by the campaign services."""

    name = serializers.CharField(max_length=200)
    campaign_type = serializers.ChoiceField(choices=CampaignType.choices)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True, help_text="User id"
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    budget = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    email_subject = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="A template: {{ target.name }} …"
    )
    email_body = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A template: {{ target.name }}, {{ target.contact_name }}, {{ campaign.name }}, "
        "{{ unsubscribe_url }}",
    )


class CampaignCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class AddTargetsInputSerializer(serializers.Serializer):
    """Either a saved segment, or a filter set, and/or parties, leads and opportunities by id."""

    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.all(), required=False, allow_null=True)
    filters = SegmentFiltersField(required=False, allow_null=True)
    parties = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), many=True, required=False)
    leads = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all(), many=True, required=False)
    opportunities = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all(), many=True, required=False)


class TargetsAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="Targets created (excluded ones included).")
    skipped = serializers.IntegerField(help_text="Found but on the campaign already.")
    excluded = serializers.IntegerField(help_text="Added as excluded: no email address or unsubscribed.")


class EmailQueuedSerializer(serializers.Serializer):
    queued = serializers.IntegerField(
        help_text="Messages queued now; they go out in the background (see `email` in the campaign's stats)."
    )


class EmailProgressSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Refused by the mail server; the target shows why.")
    remaining = serializers.IntegerField(help_text="Queued, not yet sent.")


class AssignCallsInputSerializer(serializers.Serializer):
    users = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, help_text="Ids of the users who make the calls."
    )


class CallsAssignedSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Targets given a caller.")


class CountSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,16}(?:\.\d{0,2})?$"}]}
)
class FigureAmountField(serializers.Field):
    """A count as an integer, money as a decimal string like every other amount."""

    money = serializers.DecimalField(max_digits=18, decimal_places=2)

    def to_representation(self, value):
        return value if isinstance(value, int) else self.money.to_representation(value)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    is_count = serializers.BooleanField(help_text="True when amount is a count (an integer), false when it is money.")
    amount = FigureAmountField(help_text="An integer for a count (orders_confirmed), else money as a string.")


class CampaignStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = CountSerializer(many=True)
    by_response = CountSerializer(many=True)
    contacted = serializers.IntegerField()
    responded = serializers.IntegerField()
    positive = serializers.IntegerField()
    response_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="Responded of contacted, in %."
    )
    positive_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="Positive of responded, in %."
    )
    leads_count = serializers.IntegerField()
    opportunities_count = serializers.IntegerField()
    opportunities_revenue = serializers.DecimalField(max_digits=18, decimal_places=2)
    revenue = FigureSerializer(many=True, help_text="Ordered and invoiced revenue attributed to the campaign.")
    budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    cost_per_positive = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    email = EmailProgressSerializer(help_text="The campaign email: sent, failed and still queued messages.")

    def to_representation(self, stats):
        data = {
            **stats.__dict__,
            "by_status": [{"value": v, "label": label, "count": c} for v, label, c in stats.by_status],
            "by_response": [{"value": v, "label": label, "count": c} for v, label, c in stats.by_response],
            "revenue": [
                {"key": f.key, "label": f.label, "is_count": f.is_count, "amount": f.amount} for f in stats.revenue
            ],
        }
        return super().to_representation(data)


# --- targets -------------------------------------------------------------------------------------------------------


class CampaignTargetSerializer(serializers.ModelSerializer):
    campaign_number = serializers.CharField(source="campaign.number", read_only=True)

    class Meta:
        model = CampaignTarget
        fields = [
            "id",
            "campaign",
            "campaign_number",
            "source",
            "party",
            "lead",
            "opportunity",
            "name",
            "contact_name",
            "email",
            "phone",
            "street",
            "postcode",
            "city",
            "country",
            "language",
            "assigned_to",
            "status",
            "excluded_reason",
            "contacted_at",
            "email_queued_at",
            "email_sent_at",
            "email_failed_at",
            "email_error",
            "response",
            "response_date",
            "response_note",
            "responded_by",
            "created_lead",
            "created_opportunity",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class TargetRespondInputSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=Response.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")
    start = serializers.ChoiceField(
        choices=SalesStart.choices,
        required=False,
        default=SalesStart.NONE,
        help_text="A positive response can start the sales process: create a lead or an opportunity.",
    )
    opportunity_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    expected_revenue = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, default=None
    )


class TargetCallLogInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    response = serializers.ChoiceField(
        choices=Response.choices, required=False, allow_null=True, default=None, help_text="When the call gave one."
    )
    start = serializers.ChoiceField(
        choices=SalesStart.choices,
        required=False,
        default=SalesStart.NONE,
        help_text="With a positive response: create a lead or an opportunity in the same step.",
    )
    follow_up_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Plans a call back at this time."
    )


# --- segments ------------------------------------------------------------------------------------------------------


class SegmentSerializer(serializers.ModelSerializer):
    filters = SegmentFiltersField(read_only=True)

    class Meta:
        model = Segment
        fields = ["id", "name", "description", "filters", "created_at", "updated_at", "version"]
        read_only_fields = fields


class SegmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    filters = SegmentFiltersField()


class CandidateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=TargetSource.choices, help_text="What it would be selected as.")
    party = serializers.IntegerField(source="party_id", allow_null=True)
    lead = serializers.IntegerField(source="lead_id", allow_null=True)
    opportunity = serializers.SerializerMethodField()
    name = serializers.CharField()
    contact_name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    language = serializers.CharField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_opportunity(self, candidate) -> int | None:
        return candidate.opportunity.pk if candidate.opportunity else None
