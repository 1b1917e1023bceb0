import django_filters

from marketing.choices import ActivityType
from marketing.models import Activity


class ActivityFilter(django_filters.FilterSet):
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id of the owner")
    mine = django_filters.BooleanFilter(method="filter_mine", help_text="true: only the caller's activities")
    done = django_filters.BooleanFilter()
    activity_type = django_filters.ChoiceFilter(choices=ActivityType.choices)
    party = django_filters.NumberFilter(field_name="party_id", help_text="Party id")
    lead = django_filters.NumberFilter(field_name="lead_id", help_text="Lead id")
    opportunity = django_filters.NumberFilter(field_name="opportunity_id", help_text="Opportunity id")
    campaign = django_filters.NumberFilter(field_name="campaign_id", help_text="Campaign id")
    due_after = django_filters.IsoDateTimeFilter(
        field_name="due_at", lookup_expr="gte", help_text="Due at or after this ISO 8601 date-time"
    )
    due_before = django_filters.IsoDateTimeFilter(
        field_name="due_at", lookup_expr="lt", help_text="Due before this ISO 8601 date-time"
    )
    # Integrators synchronise by asking for what changed since their last run.
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Activity
        fields = ["owner", "mine", "done", "activity_type", "party", "lead", "opportunity", "campaign"]

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(owner=self.request.user)
        return queryset
