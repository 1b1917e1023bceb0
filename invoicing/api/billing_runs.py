"""API for billing runs: start one, follow its progress and results, and preview what a run would bill."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from invoicing.api.billing_run_serializers import (
    BillingPreviewSerializer,
    BillingRunDetailSerializer,
    BillingRunInputSerializer,
    BillingRunSerializer,
)
from invoicing.models import BillingRunResult
from invoicing.selectors.billing_runs import billing_preview, billing_run_list
from invoicing.services.billing_runs import billing_run_start


class BillingRunViewSet(ServiceViewSet):
    """Billing runs: a job bills every subscription period due up to a date, one posted invoice per period, and
    lists each subscription it could not bill with the reason. Follow `processed` of `total` until `state` is
    `done`."""

    serializer_class = BillingRunSerializer
    input_serializers = {"create": BillingRunInputSerializer}

    def get_queryset(self):
        runs = billing_run_list()
        if self.action == "list":
            return runs
        return runs.prefetch_related(
            Prefetch("results", queryset=BillingRunResult.objects.select_related("order__customer__party", "invoice"))
        )

    def get_serializer_class(self):
        return BillingRunDetailSerializer if self.action in ("retrieve", "create") else BillingRunSerializer

    @extend_schema(
        request=BillingRunInputSerializer,
        responses={201: BillingRunDetailSerializer},
        summary="Start a billing run up to a date (queued; a job bills it)",
    )
    def create(self, request):
        run = billing_run_start(bill_until=self.validated_input()["bill_until"], by=request.user)
        return self.respond(run, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("bill_until", datetime.date, required=True, description="The run's date")],
        responses=BillingPreviewSerializer,
        summary="What a run up to a date would bill: periods with amounts, and the refusals with their reasons",
    )
    @action(detail=False, methods=["get"])
    def preview(self, request):
        value = request.query_params.get("bill_until", "")
        try:
            bill_until = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                field_errors={"bill_until": gettext("Enter a date as YYYY-MM-DD, not '%(value)s'.") % {"value": value}}
            ) from None
        return Response(BillingPreviewSerializer(billing_preview(bill_until=bill_until)).data)


def register(router, extra_urlpatterns: list) -> None:
    router.register("billing-runs", BillingRunViewSet, basename="billingrun")
