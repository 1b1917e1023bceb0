"""API for sales agreements: CRUD with nested lines, the actions activate, hold, close, cancel and release (a
sales order from picked lines), and the read-only versions and fulfilment."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.viewsets import ServiceViewSet
from salesapp.api.agreement_serializers import (
    AgreementLineInputSerializer,
    AgreementLineUpdateInputSerializer,
    AgreementReasonInputSerializer,
    AgreementReleaseInputSerializer,
    FulfilmentSerializer,
    SalesAgreementInputSerializer,
    SalesAgreementSerializer,
    SalesAgreementUpdateInputSerializer,
    SalesAgreementVersionSerializer,
)
from salesapp.api.order_serializers import SalesOrderSerializer
from salesapp.api.orders import SalesOrderViewSet
from salesapp.choices import AgreementState, CommitmentType
from salesapp.models import SalesAgreement, SalesAgreementLine
from salesapp.selectors.agreements import agreement_fulfilment, agreement_list, agreement_versions
from salesapp.services import agreements as services


class SalesAgreementFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=AgreementState.choices)
    commitment_type = django_filters.ChoiceFilter(choices=CommitmentType.choices)
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = SalesAgreement
        fields = ["state", "commitment_type", "customer", "number"]


class SalesAgreementViewSet(ServiceViewSet):
    """Sales agreements: a customer's commitment (a quantity or value of items, a total value, or prices only)
    over a validity period, at agreed prices. Changes freely on hold; each change to an effective agreement is
    a new version. Orders are released from an effective agreement for a ship date inside its validity; its
    fulfilment is read from the released order lines."""

    serializer_class = SalesAgreementSerializer
    input_serializers = {
        "create": SalesAgreementInputSerializer,
        "partial_update": SalesAgreementUpdateInputSerializer,
        "lines": AgreementLineInputSerializer,
        "line": AgreementLineUpdateInputSerializer,
        "hold": AgreementReasonInputSerializer,
        "close": AgreementReasonInputSerializer,
        "cancel": AgreementReasonInputSerializer,
        "release": AgreementReleaseInputSerializer,
    }
    change_actions = ("activate", "hold", "close", "cancel", "lines", "line")
    filterset_class = SalesAgreementFilter
    search_fields = ["number", "customer__party__name", "description"]

    def get_permissions(self):
        # Clerks release orders without maintaining agreements: reading the agreement is checked here, the
        # release permission by the service.
        if self.action == "release":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        return agreement_list().prefetch_related(
            Prefetch("lines", queryset=SalesAgreementLine.objects.select_related("item").order_by("line_no"))
        )

    def create(self, request):
        data = self.validated_input()
        lines = [services.AgreementLineInput(**line) for line in data.pop("lines")]
        agreement = services.agreement_create(lines=lines, by=request.user, **data)
        return self.respond(agreement, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=SalesAgreementUpdateInputSerializer,
        responses=SalesAgreementSerializer,
        summary="Change the header (an effective agreement records a new version)",
    )
    def partial_update(self, request, pk=None):
        agreement = services.agreement_update(
            agreement=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(agreement)

    @extend_schema(responses={204: None}, summary="Delete an agreement that was never effective")
    def destroy(self, request, pk=None):
        services.agreement_delete(agreement=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AgreementLineInputSerializer, responses=SalesAgreementSerializer, summary="Add a line")
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        agreement = self.get_object()
        services.agreement_line_add(
            agreement=agreement, line=services.AgreementLineInput(**self.validated_input()), by=request.user
        )
        return self.respond(agreement, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        request=AgreementLineUpdateInputSerializer,
        responses=SalesAgreementSerializer,
        summary="Change a line's commitment, price or discount",
    )
    @extend_schema(methods=["DELETE"], request=None, responses=SalesAgreementSerializer, summary="Remove a line")
    @action(detail=True, methods=["patch", "delete"], url_path=r"lines/(?P<line_id>\d+)")
    def line(self, request, pk=None, line_id=None):
        agreement = self.get_object()
        found = get_object_or_404(SalesAgreementLine, pk=line_id, agreement=agreement)
        if request.method == "DELETE":
            services.agreement_line_remove(agreement_line=found, by=request.user)
        else:
            services.agreement_line_update(agreement_line=found, by=request.user, **self.validated_input(partial=True))
        return self.respond(agreement)

    @extend_schema(request=None, responses=SalesAgreementSerializer, summary="Make an agreement on hold effective")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self.respond(services.agreement_activate(agreement=self.get_object(), by=request.user))

    @extend_schema(request=AgreementReasonInputSerializer, responses=SalesAgreementSerializer, summary="Put on hold")
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        reason = self.validated_input()["reason"]
        return self.respond(services.agreement_hold(agreement=self.get_object(), reason=reason, by=request.user))

    @extend_schema(
        request=AgreementReasonInputSerializer, responses=SalesAgreementSerializer, summary="Close an effective one"
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        reason = self.validated_input()["reason"]
        return self.respond(services.agreement_close(agreement=self.get_object(), reason=reason, by=request.user))

    @extend_schema(
        request=AgreementReasonInputSerializer, responses=SalesAgreementSerializer, summary="Cancel one on hold"
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reason = self.validated_input()["reason"]
        return self.respond(services.agreement_cancel(agreement=self.get_object(), reason=reason, by=request.user))

    @extend_schema(
        request=AgreementReleaseInputSerializer,
        responses={201: SalesOrderSerializer},
        summary="Release a sales order from picked lines, at the agreement's prices",
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        data = self.validated_input()
        order = services.agreement_release(
            agreement=self.get_object(),
            lines=[services.ReleaseLine(**line) for line in data["lines"]],
            requested_ship_date=data["requested_ship_date"],
            customer_reference=data["customer_reference"],
            by=request.user,
        )
        # The order as the sales order resource shows it.
        fresh = SalesOrderViewSet().get_queryset().get(pk=order.pk)
        return Response(SalesOrderSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SalesAgreementVersionSerializer(many=True), summary="The versions, newest first")
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        versions = agreement_versions(self.get_object())
        return Response(SalesAgreementVersionSerializer(versions, many=True).data)

    @extend_schema(
        responses=FulfilmentSerializer,
        summary="Committed, released, delivered and invoiced per line and in total, from the order lines",
    )
    @action(detail=True, methods=["get"])
    def fulfilment(self, request, pk=None):
        return Response(FulfilmentSerializer(agreement_fulfilment(self.get_object())).data)


def register(router, extra_urlpatterns: list) -> None:
    router.register("sales-agreements", SalesAgreementViewSet, basename="sales-agreement")
