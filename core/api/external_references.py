"""``…/{id}/external-references/`` on a resource: the ids its record has in other systems, coupled once."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.external_references import (
    external_reference_couple,
    external_reference_uncouple,
    external_references_of,
    records_by_external_reference,
)
from core.models import ExternalReference


class ExternalReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalReference
        fields = ["system", "external_id", "created_at"]
        read_only_fields = fields


class ExternalReferenceInputSerializer(serializers.Serializer):
    system = serializers.CharField(
        max_length=40, help_text="The other system, in lower case: `crm`, `webshop` …; one id per system."
    )
    external_id = serializers.CharField(max_length=200, help_text="The record's id in that system.")


EXTERNAL_REFERENCE_FILTER_HELP = "`system:id`, e.g. `crm:OPP-4471`: the record coupled to that id, if any."


def external_reference_filter(queryset, _name, value):
    """For a django-filter ``CharFilter(method=…)``: the record coupled to ``system:id``."""
    return records_by_external_reference(queryset, value)


EXTERNAL_REFERENCE_ACTIONS = ("external_references", "external_reference_delete")


class ExternalReferencesMixin:
    """Adds to a ``ServiceViewSet``: GET and POST ``…/{id}/external-references/`` (list; couple one, answered with
    the list) and DELETE ``…/{id}/external-references/{system}/`` (uncouple). The viewset lists
    ``EXTERNAL_REFERENCE_ACTIONS`` in its ``change_actions``: coupling changes the record's links."""

    def input_serializer_for(self, action):
        if action == "external_references":
            return ExternalReferenceInputSerializer
        return super().input_serializer_for(action)

    def _references(self, instance, *, status_code=status.HTTP_200_OK) -> Response:
        data = ExternalReferenceSerializer(external_references_of(instance), many=True).data
        return Response(data, status=status_code)

    @extend_schema(
        methods=["GET"], request=None, responses=ExternalReferenceSerializer(many=True), summary="External references"
    )
    @extend_schema(
        methods=["POST"],
        request=ExternalReferenceInputSerializer,
        responses={201: ExternalReferenceSerializer(many=True)},
        summary="Couple the record to its id in another system (once per system; an id names one record)",
    )
    @action(detail=True, methods=["get", "post"], url_path="external-references")
    def external_references(self, request, pk=None):
        instance = self.get_object()
        if request.method == "GET":
            return self._references(instance)
        serializer = ExternalReferenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        external_reference_couple(instance=instance, by=request.user, **serializer.validated_data)
        return self._references(instance, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("system", str, OpenApiParameter.PATH, description="The other system.")],
        summary="Uncouple the record from another system",
    )
    @action(detail=True, methods=["delete"], url_path=r"external-references/(?P<system>[a-z0-9][a-z0-9_-]*)")
    def external_reference_delete(self, request, pk=None, system=None):
        external_reference_uncouple(instance=self.get_object(), system=system, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
