"""API for quotations: CRUD of drafts with nested lines, and the actions send, revise, accept (→ sales order, or
an invoice draft for services), lose, cancel and copy; revisions, their comparison and the PDF."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.filters import UpdatedSinceFilterSet
from core.api.renderers import PdfRenderer
from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from core.pdf import pdf_response
from salesapp.api.quotation_serializers import (
    QuotationAcceptInputSerializer,
    QuotationEmailInputSerializer,
    QuotationEmailSerializer,
    QuotationInputSerializer,
    QuotationLineInputSerializer,
    QuotationLineUpdateInputSerializer,
    QuotationLoseInputSerializer,
    QuotationRevisionSerializer,
    QuotationSerializer,
    QuotationUpdateInputSerializer,
    RevisionComparisonSerializer,
)
from salesapp.choices import QuotationState
from salesapp.documents import quotation_pdf
from salesapp.models import Quotation, QuotationLine, QuotationRevision
from salesapp.selectors.quotations import quotation_list, quotation_revisions, revision_compare, revision_get
from salesapp.services import quotations as services
from salesapp.services.quotation_mail import quotation_email_send


class QuotationFilter(UpdatedSinceFilterSet):
    state = django_filters.ChoiceFilter(choices=QuotationState.choices)
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    party = django_filters.NumberFilter(field_name="party_id", help_text="Prospect party id")
    number = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Quotation
        fields = ["state", "customer", "party", "number"]


class QuotationViewSet(ServiceViewSet):
    """Quotations for customers or prospect parties. A draft changes (header and lines); sending freezes it as
    the next revision (r1, r2 …) unless it still equals the last one; the customer accepts one exact revision
    (a stale number is refused, 409 quotation-revision-stale) and accepting converts it into a sales order."""

    serializer_class = QuotationSerializer
    input_serializers = {
        "create": QuotationInputSerializer,
        "partial_update": QuotationUpdateInputSerializer,
        "accept": QuotationAcceptInputSerializer,
        "lose": QuotationLoseInputSerializer,
        "email": QuotationEmailInputSerializer,
        "lines": QuotationLineInputSerializer,
        "line": QuotationLineUpdateInputSerializer,
    }
    change_actions = ("send", "revise", "accept", "lose", "cancel", "lines", "line", "email")
    filterset_class = QuotationFilter
    search_fields = ["number", "customer__party__name", "party__name", "external_document_number"]

    def get_queryset(self):
        return (
            quotation_list()
            .select_related("sales_order")
            .prefetch_related(
                Prefetch("lines", queryset=QuotationLine.objects.select_related("item", "tax_code").order_by("line_no"))
            )
        )

    def create(self, request):
        data = self.validated_input()
        lines = [services.QuotationLineInput(**line) for line in data.pop("lines")]
        quotation = services.quotation_create(lines=lines, by=request.user, **data)
        return self.respond(quotation, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=QuotationUpdateInputSerializer,
        responses=QuotationSerializer,
        summary="Change the validity, requested ship date, reference or terms of a draft",
    )
    def partial_update(self, request, pk=None):
        quotation = services.quotation_update(
            quotation=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(quotation)

    @extend_schema(responses={204: None}, summary="Delete a draft that was never sent")
    def destroy(self, request, pk=None):
        services.quotation_delete(quotation=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=QuotationLineInputSerializer, responses=QuotationSerializer, summary="Add a line to a draft")
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        line = services.QuotationLineInput(**self.validated_input())
        quotation = self.get_object()
        services.quotation_line_add(quotation=quotation, line=line, by=request.user)
        return self.respond(quotation, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        request=QuotationLineUpdateInputSerializer,
        responses=QuotationSerializer,
        summary="Change a line of a draft",
    )
    @extend_schema(methods=["DELETE"], request=None, responses=QuotationSerializer, summary="Remove a line")
    @action(detail=True, methods=["patch", "delete"], url_path=r"lines/(?P<line_id>\d+)")
    def line(self, request, pk=None, line_id=None):
        quotation = self.get_object()
        found = get_object_or_404(QuotationLine, pk=line_id, quotation=quotation)
        if request.method == "DELETE":
            services.quotation_line_remove(quotation_line=found, by=request.user)
        else:
            services.quotation_line_update(quotation_line=found, by=request.user, **self.validated_input(partial=True))
        return self.respond(quotation)

    @extend_schema(request=None, responses=QuotationSerializer, summary="Send a draft (freezes the next revision)")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self.respond(services.quotation_send(quotation=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=QuotationSerializer, summary="Back to draft for changes")
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self.respond(services.quotation_revise(quotation=self.get_object(), by=request.user))

    @extend_schema(
        request=QuotationAcceptInputSerializer,
        responses=QuotationSerializer,
        summary="The customer accepted a revision: convert it into a sales order, or an invoice draft for services",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = self.validated_input()
        quotation = services.quotation_accept(
            quotation=self.get_object(), revision=data["revision"], convert_to=data["convert_to"], by=request.user
        )
        return self.respond(quotation)

    @extend_schema(
        request=QuotationEmailInputSerializer,
        responses={202: QuotationEmailSerializer},
        summary="Email the revision last sent, with its PDF (queued: its status says when it went)",
    )
    @action(detail=True, methods=["post"])
    def email(self, request, pk=None):
        data = self.validated_input()
        email = quotation_email_send(quotation=self.get_object(), to=data["to"], by=request.user)
        return Response(QuotationEmailSerializer(email).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=QuotationLoseInputSerializer, responses=QuotationSerializer, summary="Mark lost")
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        data = self.validated_input()
        quotation = services.quotation_lose(
            quotation=self.get_object(), reason=data["reason"], note=data["note"], by=request.user
        )
        return self.respond(quotation)

    @extend_schema(request=None, responses=QuotationSerializer, summary="Cancel a draft or sent quotation")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.respond(services.quotation_cancel(quotation=self.get_object(), by=request.user))

    @extend_schema(request=None, responses=QuotationSerializer, summary="A new draft with the same lines")
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = services.quotation_copy(quotation=self.get_object(), by=request.user)
        return self.respond(copy, status_code=status.HTTP_201_CREATED)

    @extend_schema(responses=QuotationRevisionSerializer(many=True), summary="The revisions sent, oldest first")
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        revisions = quotation_revisions(self.get_object(), with_lines=True)
        return Response(QuotationRevisionSerializer(revisions, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("a", int, required=True, description="Revision number"),
            OpenApiParameter("b", int, required=True, description="Revision number"),
        ],
        responses=RevisionComparisonSerializer,
        summary="Lines added, removed and changed from revision a to b, and the total delta",
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        quotation = self.get_object()
        revisions = {}
        errors = {}
        for name in ("a", "b"):
            value = request.query_params.get(name, "")
            revisions[name] = _revision_or_none(quotation, value)
            if revisions[name] is None:
                errors[name] = _no_revision(quotation, value)
        if errors:
            raise ValidationFailed(field_errors=errors)
        return Response(RevisionComparisonSerializer(revision_compare(revisions["a"], revisions["b"])).data)

    @extend_schema(
        responses={(200, PdfRenderer.media_type): OpenApiTypes.BINARY},
        summary="The quotation as PDF: the revision last sent (or ?revision=N), DRAFT before the first send",
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        quotation = self.get_object()
        number = request.query_params.get("revision", "")
        revision = None
        if number:
            revision = _revision_or_none(quotation, number)
            if revision is None:
                raise ValidationFailed(field_errors={"revision": _no_revision(quotation, number)})
        content, filename = quotation_pdf(quotation, revision=revision)
        return pdf_response(content, filename)


def register(router, extra_urlpatterns: list) -> None:
    router.register("quotations", QuotationViewSet, basename="quotation")


def _revision_or_none(quotation: Quotation, value: str) -> QuotationRevision | None:
    """The revision a query parameter names (its number), or None when it names none of the quotation's."""
    if not value.isdigit():
        return None
    try:
        return revision_get(quotation=quotation, number=int(value))
    except QuotationRevision.DoesNotExist:
        return None


def _no_revision(quotation: Quotation, value: str) -> str:
    return gettext("Quotation %(number)s has no revision '%(value)s'.") % {"number": quotation.number, "value": value}
