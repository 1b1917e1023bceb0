"""API for activities: plan, log, complete (optionally scheduling the next one) and reopen."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from marketing.api.activity_serializers import (
    ActivityCompletedSerializer,
    ActivityCompleteInputSerializer,
    ActivityCreateInputSerializer,
    ActivitySerializer,
    ActivityUpdateInputSerializer,
)
from marketing.choices import ActivityType
from marketing.models import Activity
from marketing.selectors.activities import activity_list
from marketing.services.activities import activity_complete, activity_create, activity_reopen, activity_update


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


class ActivityViewSet(ServiceViewSet):
    """Calls, meetings, tasks and emails about a party or lead, optionally about an opportunity, a campaign
    (target) or a sales document. Completing one can schedule the next; a done one changes only by reopening."""

    serializer_class = ActivitySerializer
    input_serializers = {
        "create": ActivityCreateInputSerializer,
        "partial_update": ActivityUpdateInputSerializer,
        "complete": ActivityCompleteInputSerializer,
    }
    change_actions = ("complete", "reopen")
    filterset_class = ActivityFilter
    search_fields = ["subject", "notes"]

    def get_queryset(self):
        return activity_list().select_related("document_type")

    def create(self, request):
        activity = activity_create(by=request.user, **self.validated_input())
        return self.respond(activity, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        activity = activity_update(activity=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(activity)

    @extend_schema(
        summary="Mark an open activity done, optionally scheduling the next one",
        responses={200: ActivityCompletedSerializer},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        data = self.validated_input()
        done, follow_up = activity_complete(
            activity=self.get_object(),
            by=request.user,
            outcome=data.get("outcome", ""),
            notes=data.get("notes", ""),
            next_activity=dict(data["next"]) if data.get("next") else None,
        )
        fresh = {row.pk: row for row in self.get_queryset().filter(pk__in=[done.pk, getattr(follow_up, "pk", None)])}
        body = {"activity": fresh[done.pk], "follow_up": fresh.get(getattr(follow_up, "pk", None))}
        return Response(ActivityCompletedSerializer(body, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ActivitySerializer, summary="Reopen a done activity")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        activity = activity_reopen(activity=self.get_object(), by=request.user)
        return self.respond(activity)


def register(router, extra_urlpatterns: list) -> None:
    router.register("activities", ActivityViewSet, basename="activity")
