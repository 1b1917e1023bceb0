"""The event feed: GET /api/v1/events/?after=<id>."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import ModelPermissions
from core.api.schema import ServiceAutoSchema
from core.errors import ValidationFailed
from core.events import event_document, event_types, events_after
from core.models import Event

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class EventSubjectSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="app_label.model of the document, e.g. salesapp.salesorder")
    id = serializers.IntegerField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The cursor: pass the last one you processed as `after`.")
    type = serializers.CharField(help_text="e.g. sales_order.confirmed, invoice.posted")
    occurred_at = serializers.DateTimeField()
    subject = EventSubjectSerializer()
    data = serializers.JSONField(help_text="The payload; `data.schema_version` says its shape.")


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    next_after = serializers.IntegerField(
        allow_null=True, help_text="The `after` of the next request: the last id here, or yours when none came."
    )
    has_more = serializers.BooleanField(help_text="More events are ready now: ask again at once.")


def _positive_int(request, name: str, default: int | None, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or (maximum is not None and not 1 <= value <= maximum):
        message = gettext("Enter a whole number from %(low)s to %(high)s.") % {"low": 1, "high": maximum}
        if maximum is None:
            message = gettext("Enter the id of an event (a whole number), or 0 to start from the first.")
        raise ValidationFailed(field_errors={name: message})
    return value


class EventFeedView(APIView):
    """Business events, oldest first, for an integrator that pulls instead of (or besides) receiving webhooks.

    Replayable: the same `after` always gives the same events. An event appears once the transaction that
    recorded it and every transaction begun before it have ended, so a cursor never skips one that commits
    late; it is usually there within a second."""

    schema = ServiceAutoSchema()
    permission_classes = [ModelPermissions]
    # For the permission check (core.view_event): the feed itself reads through core.events.
    queryset = Event.objects.none()

    @extend_schema(
        summary="Read the event feed after a cursor",
        parameters=[
            OpenApiParameter("after", int, description="Events after this event id (0 or absent: from the first)."),
            OpenApiParameter(
                "type",
                str,
                many=True,
                explode=False,
                description="Only these types (comma-separated).",
                enum=None,
            ),
            OpenApiParameter("limit", int, description=f"At most this many (1–{MAX_LIMIT}, default {DEFAULT_LIMIT})."),
        ],
        responses=EventPageSerializer,
    )
    def get(self, request):
        after = _positive_int(request, "after", None)
        limit = _positive_int(request, "limit", DEFAULT_LIMIT, maximum=MAX_LIMIT)
        types = [name.strip() for name in request.query_params.get("type", "").split(",") if name.strip()]
        unknown = sorted(set(types) - set(event_types()))
        if unknown:
            raise ValidationFailed(
                field_errors={
                    "type": gettext("Unknown event types: %(unknown)s. Known: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(event_types())}
                }
            )
        events = list(events_after(after=after, types=types)[: limit + 1])
        page, has_more = events[:limit], len(events) > limit
        return Response(
            {
                "results": [event_document(event) for event in page],
                "next_after": page[-1].id if page else after,
                "has_more": has_more,
            }
        )


def register(router, extra_urlpatterns: list) -> None:
    # A view of its own, not a router's list: the answer is one page object, not a list of events.
    extra_urlpatterns.append(path("events/", EventFeedView.as_view(), name="event-list"))
