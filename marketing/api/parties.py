"""API for parties: CRUD, contacts, addresses, merge and the timeline."""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from marketing.api.party_serializers import (
    AddressInputSerializer,
    AddressSerializer,
    ContactInputSerializer,
    ContactSerializer,
    PartyInputSerializer,
    PartyMergeInputSerializer,
    PartySerializer,
    PartyUpdateInputSerializer,
    TimelinePageSerializer,
)
from marketing.choices import Language, PartyKind, RelationshipStage
from marketing.models import Party
from marketing.selectors.parties import parties_tagged, party_duplicates, party_list, party_timeline, party_with_details
from marketing.services.parties import address_create, contact_create, party_create, party_update
from marketing.services.party_merge import party_merge


class PartyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PartyKind.choices)
    country = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO 3166 code, e.g. NL")
    city = django_filters.CharFilter(lookup_expr="iexact")
    language = django_filters.ChoiceFilter(choices=Language.choices)
    tag = django_filters.CharFilter(method="filter_tag", help_text="A tag name (any case).")
    stage = django_filters.ChoiceFilter(choices=RelationshipStage.choices, method="filter_stage")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Party
        fields = ["kind", "country", "city", "language", "tag", "stage", "updated_since"]

    def filter_tag(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return parties_tagged(queryset, tag=value)

    def filter_stage(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        # ``stage`` is annotated by the party list selector the viewset reads from.
        return queryset.filter(stage=value)


DUPLICATES_SHOWN = 20


class PartyViewSet(ServiceViewSet):
    """Organizations and persons, whatever role they play, with their contact persons, addresses and tags;
    ``stage`` says where the party stands: prospect, lead, opportunity or customer (with a customer account)."""

    serializer_class = PartySerializer
    input_serializers = {
        "create": PartyInputSerializer,
        "partial_update": PartyUpdateInputSerializer,
        "contacts": ContactInputSerializer,
        "addresses": AddressInputSerializer,
        "merge": PartyMergeInputSerializer,
    }
    change_actions = ("contacts", "addresses", "merge")
    filterset_class = PartyFilter
    search_fields = ["name", "email", "city", "contacts__name"]

    def get_queryset(self):
        if self.action == "timeline":
            # The timeline reads its own rows; it needs only the party.
            return Party.objects.all()
        return party_with_details(party_list())

    def create(self, request):
        party = party_create(by=request.user, **self.validated_input())
        return self.respond(party, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        party = self.get_object()
        party = party_update(party=party, by=request.user, **self.validated_input(partial=True))
        return self.respond(party)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer}, summary="Add a contact person")
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        contact = contact_create(party=self.get_object(), by=request.user, **self.validated_input())
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AddressInputSerializer, responses={201: AddressSerializer}, summary="Add an address")
    @action(detail=True, methods=["post"])
    def addresses(self, request, pk=None):
        address = address_create(party=self.get_object(), by=request.user, **self.validated_input())
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PartyMergeInputSerializer,
        responses=PartySerializer,
        summary="Merge another party into this one",
        description="Contacts, addresses, tags, leads, opportunities, activities, campaign targets, the customer "
        "account and everything else of the party `remove` move to this party; `remove` is deleted. Refused "
        "when both parties have a customer account.",
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        keep = self.get_object()
        party = party_merge(keep=keep, remove=self.validated_input()["remove"], by=request.user)
        return self.respond(party)

    @extend_schema(
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description="1 is the newest page.")],
        responses=TimelinePageSerializer,
        summary="Everything that touched the party, newest first",
        description="Activities, campaign selections and responses, leads, opportunities, sales orders, invoices "
        "and payments, 20 to a page.",
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def timeline(self, request, pk=None):
        try:
            page = max(1, int(request.query_params.get("page", 1)))
        except ValueError:
            page = 1
        timeline = party_timeline(party=self.get_object(), page=page)
        return Response(TimelinePageSerializer(timeline).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR),
            OpenApiParameter("email", OpenApiTypes.STR),
            OpenApiParameter("postcode", OpenApiTypes.STR),
        ],
        responses=PartySerializer(many=True),
        summary="Parties that look like the one described",
        description="The same email (any case), or the same name and postcode (ignoring case and spaces): what "
        "creating a party would be refused for unless `allow_duplicate` is true.",
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def duplicates(self, request):
        params = request.query_params
        found = party_duplicates(
            name=params.get("name", ""), email=params.get("email", ""), postcode=params.get("postcode", "")
        ).values("pk")
        parties = self.get_queryset().filter(pk__in=found).order_by("name", "id")[:DUPLICATES_SHOWN]
        return Response(PartySerializer(parties, many=True).data)


def register(router, extra_urlpatterns: list) -> None:
    router.register("parties", PartyViewSet, basename="party")
