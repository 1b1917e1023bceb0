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
    SummaryPreviewSerializer,
    SummaryRunInputSerializer,
)
from invoicing.choices import BillingRunKind
from invoicing.models import BillingRunResult
from invoicing.selectors.billing_runs import billing_preview, billing_run_list
from invoicing.selectors.summary_runs import summary_preview, summary_run_inputs
from invoicing.services.billing_runs import billing_run_start
from invoicing.services.summary_runs import summary_run_post_all, summary_run_start


class BillingRunViewSet(ServiceViewSet):
    """Billing runs: a job bills every subscription period due up to a date, one posted invoice per period, and
    lists each subscription it could not bill with the reason. Follow `processed` of `total` until `state` is
    `done`."""

    serializer_class = BillingRunSerializer
    input_serializers = {"create": BillingRunInputSerializer, "preview": SummaryRunInputSerializer, "post_all": None}

    def get_queryset(self):
        runs = billing_run_list()
        if self.action == "list":
            return runs
        return runs.prefetch_related(
            Prefetch(
                "results",
                queryset=BillingRunResult.objects.select_related(
                    "order__customer__party", "customer__party", "invoice"
                ).order_by("pk"),
            ),
            "customers",
        )

    def get_serializer_class(self):
        if self.action in ("retrieve", "create", "post_all"):
            return BillingRunDetailSerializer
        return BillingRunSerializer

    @extend_schema(
        request=BillingRunInputSerializer,
        responses={201: BillingRunDetailSerializer},
        summary="Start a billing run up to a date (queued; a job bills it)",
    )
    def create(self, request):
        data = self.validated_input()
        if data["kind"] == BillingRunKind.PACKING_SLIPS:
            run = summary_run_start(
                customers=data["customers"],
                slips_from=data["slips_from"],
                slips_to=data["slips_to"],
                grouping=data["grouping"],
                by=request.user,
            )
        else:
            run = billing_run_start(bill_until=data["bill_until"], by=request.user)
        return self.respond(run, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={202: BillingRunDetailSerializer},
        summary="Post every draft invoice of a packing-slip run (queued; a job posts them in result order)",
    )
    @action(detail=True, methods=["post"], url_path="post-all")
    def post_all(self, request, pk=None):
        run = summary_run_post_all(run=self.get_object(), by=request.user)
        return self.respond(run, status_code=status.HTTP_202_ACCEPTED)

    @extend_schema(
        methods=["GET"],
        request=None,
        parameters=[OpenApiParameter("bill_until", datetime.date, required=True, description="The run's date")],
        responses=BillingPreviewSerializer,
        summary="What a run up to a date would bill: periods with amounts, and the refusals with their reasons",
    )
    @extend_schema(
        methods=["POST"],
        request=SummaryRunInputSerializer,
        responses=SummaryPreviewSerializer,
        summary="What a packing-slip run would invoice: the invoices with their lines, totals, orders and slips, "
        "and each slip left out with the reason. Nothing is written.",
    )
    @action(detail=False, methods=["get", "post"])
    def preview(self, request):
        if request.method == "POST":
            data = self.validated_input()
            customers = data["customers"]
            inputs = summary_run_inputs(
                customer_ids=None if customers is None else [customer.pk for customer in customers],
                slips_from=data["slips_from"],
                slips_to=data["slips_to"],
                grouping=data["grouping"],
            )
            return Response(SummaryPreviewSerializer(summary_preview(inputs=inputs)).data)
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
