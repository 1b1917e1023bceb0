"""API for opportunities (CRUD without delete, `win`, `lose`, `set-stage`) and the pipeline stages (read-only)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from core.api.viewsets import ServiceViewSet
from marketing.api.lead_serializers import ReasonInputSerializer
from marketing.api.opportunity_serializers import (
    OpportunityCreateInputSerializer,
    OpportunitySerializer,
    OpportunityStageInputSerializer,
    OpportunityStageSerializer,
    OpportunityUpdateInputSerializer,
)
from marketing.choices import OpportunityState
from marketing.models import Opportunity, OpportunityStage
from marketing.selectors.opportunities import opportunity_list, stage_list
from marketing.services.opportunities import (
    opportunity_create,
    opportunity_lose,
    opportunity_stage_set,
    opportunity_update,
    opportunity_win,
)


class OpportunityFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=OpportunityState.choices)
    stage = django_filters.NumberFilter(field_name="stage_id", help_text="Stage id")
    party = django_filters.NumberFilter(field_name="party_id", help_text="Party id")
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id")
    campaign = django_filters.NumberFilter(field_name="campaign_id", help_text="Campaign id")
    lead = django_filters.NumberFilter(field_name="lead_id", help_text="Lead id")
    number = django_filters.CharFilter(lookup_expr="iexact")
    close_from = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="gte")
    close_to = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Opportunity
        fields = [
            "state",
            "stage",
            "party",
            "owner",
            "campaign",
            "lead",
            "number",
            "close_from",
            "close_to",
            "updated_since",
        ]


class OpportunityViewSet(ServiceViewSet):
    """Opportunities in the sales pipeline. `set-stage` moves an open one (its probability becomes the stage's
    default); `win` needs a sales order made for it; `lose` needs a reason."""

    serializer_class = OpportunitySerializer
    input_serializers = {
        "create": OpportunityCreateInputSerializer,
        "partial_update": OpportunityUpdateInputSerializer,
        "lose": ReasonInputSerializer,
        "set_stage": OpportunityStageInputSerializer,
    }
    change_actions = ("win", "lose", "set_stage")
    filterset_class = OpportunityFilter
    search_fields = ["number", "name", "party__name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return opportunity_list()

    def create(self, request):
        opportunity = opportunity_create(by=request.user, **self.validated_input())
        return self.respond(opportunity, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        opportunity = opportunity_update(
            opportunity=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(opportunity)

    @extend_schema(request=None, responses=OpportunitySerializer, summary="Mark an open opportunity won")
    @action(detail=True, methods=["post"])
    def win(self, request, pk=None):
        return self.respond(opportunity_win(opportunity=self.get_object(), by=request.user))

    @extend_schema(responses=OpportunitySerializer, summary="Mark an open opportunity lost, saying why")
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        reason = self.validated_input()["reason"]
        return self.respond(opportunity_lose(opportunity=self.get_object(), by=request.user, reason=reason))

    @extend_schema(responses=OpportunitySerializer, summary="Move an open opportunity to another stage")
    @action(detail=True, methods=["post"], url_path="set-stage", url_name="set-stage")
    def set_stage(self, request, pk=None):
        stage = self.validated_input()["stage"]
        return self.respond(opportunity_stage_set(opportunity=self.get_object(), stage=stage, by=request.user))


class OpportunityStageFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()

    class Meta:
        model = OpportunityStage
        fields = ["active"]


class OpportunityStageViewSet(ServiceViewSet):
    """The stages of the sales pipeline with their default probability, in pipeline order (set up in the admin)."""

    serializer_class = OpportunityStageSerializer
    filterset_class = OpportunityStageFilter
    search_fields = ["name"]
    # Stages have no change time; they are few and listed in pipeline order on one page.
    ordering = ("sequence", "id")
    ordering_fields = ("id", "sequence")
    pagination_class = None

    def get_queryset(self):
        return stage_list()


def register(router, extra_urlpatterns: list) -> None:
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
    router.register("opportunity-stages", OpportunityStageViewSet, basename="opportunity-stage")
