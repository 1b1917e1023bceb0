"""A thin viewset: reads come from a selector's queryset, writes go through services."""

from __future__ import annotations

import functools

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.preconditions import UNSAFE_METHODS, etag_of, if_match_version, if_none_match_hit
from core.api.schema import ServiceAutoSchema
from core.concurrency import expectations_paused, expected_version, is_versioned


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
        with expectations_paused():
            fresh = self.get_queryset().get(pk=instance.pk)
        return self.tagged(Response(self.get_serializer(fresh).data, status=status_code), fresh)

    # --- ETag and If-Match (core/api/preconditions.py) ---------------------------------------------------------------
    def tagged(self, response: Response, instance) -> Response:
        etag = etag_of(instance)
        if etag is not None:
            response["ETag"] = etag
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = etag_of(instance)
        if if_none_match_hit(request, etag):
            return self.tagged(Response(status=status.HTTP_304_NOT_MODIFIED), instance)
        return self.tagged(Response(self.get_serializer(instance).data), instance)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if request.method not in UNSAFE_METHODS or lookup is None:
            return
        version = if_match_version(request)
        model = self.get_queryset().model
        if version is None or not is_versioned(model):
            return
        # The handler (the action calling its service) runs expecting that version of the resource: the service
        # compares it under its own row lock; the transaction takes back whatever ran before a mismatch showed.
        method = request.method.lower()
        handler = getattr(self, method)

        @functools.wraps(handler)
        def expecting(request, *args, **kwargs):
            with transaction.atomic(), expected_version(model, lookup, version):
                return handler(request, *args, **kwargs)

        setattr(self, method, expecting)
