"""API for campaigns, their targets and saved segments. State changes only through the action endpoints."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from marketing.api.campaign_serializers import (
    AddTargetsInputSerializer,
    AssignCallsInputSerializer,
    CallsAssignedSerializer,
    CampaignCancelInputSerializer,
    CampaignInputSerializer,
    CampaignSerializer,
    CampaignStatsSerializer,
    CampaignTargetSerializer,
    CandidateSerializer,
    EmailQueuedSerializer,
    SegmentInputSerializer,
    SegmentSerializer,
    TargetCallLogInputSerializer,
    TargetRespondInputSerializer,
    TargetsAddedSerializer,
)
from marketing.choices import CampaignState, CampaignType, TargetSource, TargetStatus
from marketing.choices import Response as ResponseKind
from marketing.models import Campaign, CampaignTarget, Segment
from marketing.selectors.campaigns import campaign_list, campaign_stats, target_list
from marketing.selectors.segments import segment_candidates, segment_list
from marketing.services.campaign_mail import campaign_email_send
from marketing.services.campaign_targets import (
    campaign_calls_assign,
    campaign_targets_add,
    target_call_log,
    target_respond,
)
from marketing.services.campaigns import (
    campaign_activate,
    campaign_cancel,
    campaign_complete,
    campaign_create,
    campaign_update,
)
from marketing.services.segments import segment_create, segment_delete, segment_update


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
    response = django_filters.ChoiceFilter(choices=ResponseKind.choices)
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


class CampaignViewSet(ServiceViewSet):
    """Telemarketing, mailing and email campaigns with their figures. Targets are added with `add-targets`
    (a saved segment, a filter set, or records by id); the campaign road is planned → active → completed."""

    serializer_class = CampaignSerializer
    input_serializers = {
        "create": CampaignInputSerializer,
        "partial_update": CampaignInputSerializer,
        "cancel": CampaignCancelInputSerializer,
        "add_targets": AddTargetsInputSerializer,
        "assign_calls": AssignCallsInputSerializer,
    }
    change_actions = ("activate", "complete", "cancel", "add_targets", "send_email", "assign_calls")
    filterset_class = CampaignFilter
    search_fields = ["number", "name", "description"]

    def get_queryset(self):
        return campaign_list()

    def create(self, request):
        campaign = campaign_create(by=request.user, **self.validated_input())
        return self.respond(campaign, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        campaign = campaign_update(campaign=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(campaign)

    @extend_schema(request=None, responses=CampaignSerializer, summary="Activate a planned campaign that has targets")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self.respond(campaign_activate(campaign=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=CampaignSerializer, summary="Complete an active campaign")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self.respond(campaign_complete(campaign=self.get_object(), by=request.user))

    @extend_schema(responses=CampaignSerializer, summary="Cancel a planned or active campaign, with a reason")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        campaign = self.get_object()
        return self.respond(
            campaign_cancel(campaign=campaign, by=request.user, reason=self.validated_input()["reason"])
        )

    @extend_schema(
        responses=TargetsAddedSerializer,
        summary="Add targets from a segment, a filter set or by id",
        description="Those already on the campaign are skipped and counted; naming one record that is already a "
        "target is refused. Email campaigns add unsubscribed addresses and targets without email as excluded.",
    )
    @action(detail=True, methods=["post"], url_path="add-targets", url_name="add-targets")
    def add_targets(self, request, pk=None):
        data = self.validated_input()
        result = campaign_targets_add(
            campaign=self.get_object(),
            by=request.user,
            segment=data.get("segment"),
            filters=data.get("filters"),
            parties=data.get("parties", []),
            leads=data.get("leads", []),
            opportunities=data.get("opportunities", []),
        )
        return Response(TargetsAddedSerializer(result).data)

    @extend_schema(
        request=None,
        responses=EmailQueuedSerializer,
        summary="Queue the email for targets not yet sent to; it goes out in the background",
    )
    @action(detail=True, methods=["post"], url_path="send-email", url_name="send-email")
    def send_email(self, request, pk=None):
        queued = campaign_email_send(campaign=self.get_object(), by=request.user)
        return Response(EmailQueuedSerializer({"queued": queued}).data)

    @extend_schema(responses=CallsAssignedSerializer, summary="Split unassigned targets between callers")
    @action(detail=True, methods=["post"], url_path="assign-calls", url_name="assign-calls")
    def assign_calls(self, request, pk=None):
        users = self.validated_input()["users"]
        assigned = campaign_calls_assign(campaign=self.get_object(), users=users, by=request.user)
        return Response(CallsAssignedSerializer({"assigned": assigned}).data)

    @extend_schema(responses=CampaignStatsSerializer, summary="Targets by status, response rates, attribution")
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        return Response(CampaignStatsSerializer(campaign_stats(campaign=self.get_object())).data)


class CampaignTargetViewSet(ServiceViewSet):
    """Who a campaign reaches, with the contact data used and the response given. Record a response with
    `respond` (a positive one can start the sales process) and a call with `log-call`."""

    serializer_class = CampaignTargetSerializer
    input_serializers = {"record_response": TargetRespondInputSerializer, "log_call": TargetCallLogInputSerializer}
    change_actions = ("record_response", "log_call")
    filterset_class = CampaignTargetFilter
    search_fields = ["name", "contact_name", "email", "city"]

    def get_queryset(self):
        return target_list()

    @extend_schema(responses=CampaignTargetSerializer, summary="Record the target's response")
    # Not named ``respond``: that is the viewset's own way of answering (ServiceViewSet.respond).
    @action(detail=True, methods=["post"], url_path="respond", url_name="respond")
    def record_response(self, request, pk=None):
        return self.respond(target_respond(target=self.get_object(), by=request.user, **self.validated_input()))

    @extend_schema(responses=CampaignTargetSerializer, summary="Log a call to the target")
    @action(detail=True, methods=["post"], url_path="log-call", url_name="log-call")
    def log_call(self, request, pk=None):
        return self.respond(target_call_log(target=self.get_object(), by=request.user, **self.validated_input()))


class SegmentViewSet(ServiceViewSet):
    """Saved target selections. A segment's filters are applied again each time, so it stays current;
    `candidates` shows whom it selects today."""

    serializer_class = SegmentSerializer
    input_serializers = {"create": SegmentInputSerializer, "partial_update": SegmentInputSerializer}
    filterset_class = SegmentFilter
    search_fields = ["name", "description"]

    def get_queryset(self):
        return segment_list()

    def create(self, request):
        segment = segment_create(by=request.user, **self.validated_input())
        return self.respond(segment, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        segment = segment_update(segment=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(segment)

    @extend_schema(responses={204: None}, summary="Delete a saved segment (targets stay)")
    def destroy(self, request, pk=None):
        segment_delete(segment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=CandidateSerializer(many=True), summary="Whom the segment selects today")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def candidates(self, request, pk=None):
        found = segment_candidates(filters=self.get_object().filters)
        return Response(CandidateSerializer(found, many=True).data)


def register(router, extra_urlpatterns: list) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("campaign-targets", CampaignTargetViewSet, basename="campaigntarget")
    router.register("segments", SegmentViewSet, basename="segment")
