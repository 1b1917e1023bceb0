"""A thin viewset: reads come from a selector's queryset, writes go through services."""

from __future__ import annotations

from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.schema import ServiceAutoSchema


class ServiceViewSet(
    IdempotentPost, KnownFieldsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    # ``serializer_class`` describes the output; ``input_serializers`` maps a write action to the
    # serializer that validates its body. Subclasses implement the writes by calling a service with
    # ``by=request.user`` and answer with ``respond()``; no serializer ever saves. The subclass
    # docstring is the resource's description in the OpenAPI document.

    schema = ServiceAutoSchema()
    input_serializers: dict[str, type[Serializer]] = {}
    change_actions: tuple[str, ...] = ()
    # Cursor pagination needs a stable, unique order; integrators may also page by last change.
    ordering = ("-id",)
    ordering_fields = ("id", "updated_at")

    def input_serializer_for(self, action):
        return self.input_serializers.get(action)

    def validated_input(self, *, instance=None, partial: bool = False) -> dict:
        serializer = self.input_serializers[self.action](
            instance=instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, instance, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The resource as a read shows it, re-read so that related rows come in the same few queries."""
        fresh = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)
