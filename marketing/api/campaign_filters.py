import django_filters

from marketing.choices import CampaignState, CampaignType, Response, TargetSource, TargetStatus
from marketing.models import Campaign, CampaignTarget, Segment


class CampaignFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CampaignState.choices)
    campaign_type = django_filters.ChoiceFilter(choices=CampaignType.choices)
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id")
    number = django_filters.CharFilter(lookup_expr="iexact")
    running_on = django_filters.DateFilter(method="filter_running_on", help_text="Campaigns running on this date.")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Campaign
        fields = ["state", "campaign_type", "owner", "number"]

    def filter_running_on(self, queryset, name, value):
        return queryset.exclude(start_date__gt=value).exclude(end_date__lt=value)


class CampaignTargetFilter(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", help_text="Campaign id")
    status = django_filters.ChoiceFilter(choices=TargetStatus.choices)
    response = django_filters.ChoiceFilter(choices=Response.choices)
    source = django_filters.ChoiceFilter(choices=TargetSource.choices)
    assigned_to = django_filters.NumberFilter(field_name="assigned_to_id", help_text="User id")
    party = django_filters.NumberFilter(field_name="party_id", help_text="Party id")
    lead = django_filters.NumberFilter(field_name="lead_id", help_text="Lead id")

    class Meta:
        model = CampaignTarget
        fields = ["campaign", "status", "response", "source", "assigned_to", "party", "lead"]


class SegmentFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Segment
        fields = ["name"]
