"""API for leads: CRUD without delete, the qualify / convert / disqualify actions and the CSV import."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from marketing.api.lead_serializers import (
    LeadConvertInputSerializer,
    LeadImportInputSerializer,
    LeadInputSerializer,
    LeadSerializer,
    ReasonInputSerializer,
)
from marketing.api.opportunity_serializers import OpportunitySerializer
from marketing.choices import LeadSource, LeadState
from marketing.models import Lead, Opportunity
from marketing.selectors.leads import lead_list
from marketing.selectors.opportunities import opportunity_list
from marketing.services.lead_import import lead_import
from marketing.services.leads import lead_convert, lead_create, lead_disqualify, lead_qualify, lead_update


class LeadFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=LeadState.choices)
    source = django_filters.ChoiceFilter(choices=LeadSource.choices)
    campaign = django_filters.NumberFilter(field_name="campaign_id", help_text="Campaign id")
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="User id")
    party = django_filters.NumberFilter(field_name="party_id", help_text="Party id")
    number = django_filters.CharFilter(lookup_expr="iexact")
    created_since = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="ISO 8601 date-time"
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Lead
        fields = ["state", "source", "campaign", "owner", "party", "number", "created_since", "updated_since"]


class LeadViewSet(ServiceViewSet):
    """Leads: sales initiatives that may come before any party exists. `qualify`, `convert` (into a party and an
    opportunity, keeping the campaign) and `disqualify` (with a reason) move them on; `import` reads a CSV file
    and creates every lead in it, or none."""

    serializer_class = LeadSerializer
    input_serializers = {
        "create": LeadInputSerializer,
        "partial_update": LeadInputSerializer,
        "convert": LeadConvertInputSerializer,
        "disqualify": ReasonInputSerializer,
        "import_csv": LeadImportInputSerializer,
    }
    change_actions = ("qualify", "convert", "disqualify")
    filterset_class = LeadFilter
    search_fields = ["number", "company_name", "contact_name", "email"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return lead_list().prefetch_related(Prefetch("opportunities", queryset=Opportunity.objects.only("id", "lead")))

    def create(self, request):
        lead = lead_create(by=request.user, **self.validated_input())
        return self.respond(lead, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        lead = lead_update(lead=self.get_object(), by=request.user, **self.validated_input(partial=True))
        return self.respond(lead)

    @extend_schema(request=None, responses=LeadSerializer, summary="Qualify a new lead")
    @action(detail=True, methods=["post"])
    def qualify(self, request, pk=None):
        return self.respond(lead_qualify(lead=self.get_object(), by=request.user))

    @extend_schema(
        responses={201: OpportunitySerializer},
        summary="Convert a qualified lead into an opportunity",
        description="Uses `party`, else the lead's party, else creates a prospect from the lead's data. When "
        "parties with the same email, or the same name and postcode, exist the conversion is refused (400, code "
        "`party-duplicate`) naming them: send one of them as `party`, or `allow_duplicate_party: true`. The "
        "opportunity keeps the lead's campaign and owner.",
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        opportunity = lead_convert(lead=self.get_object(), by=request.user, **self.validated_input())
        fresh = opportunity_list().get(pk=opportunity.pk)
        return Response(OpportunitySerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=LeadSerializer, summary="Disqualify a new or qualified lead, saying why")
    @action(detail=True, methods=["post"])
    def disqualify(self, request, pk=None):
        lead = lead_disqualify(lead=self.get_object(), by=request.user, reason=self.validated_input()["reason"])
        return self.respond(lead)

    @extend_schema(
        responses={
            201: LeadSerializer(many=True),
            400: OpenApiResponse(
                description="Nothing was imported: `errors` lists every wrong line of the file, each with its "
                '`line` number (the header is line 1) and a `message` such as "line 4: email: …".'
            ),
        },
        summary="Import leads from a CSV file (all or nothing)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_csv(self, request):
        data = self.validated_input()
        leads = lead_import(file=data["file"], by=request.user, default_source=data["default_source"])
        fresh = self.get_queryset().filter(pk__in=[lead.pk for lead in leads]).order_by("id")
        return Response(LeadSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


def register(router, extra_urlpatterns: list) -> None:
    router.register("leads", LeadViewSet, basename="lead")
