"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from core.models import Event
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.selectors.webhooks import webhook_delivery_list, webhook_subscription_list
from integrations.services.webhooks import (
    webhook_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_secret_rotate,
    webhook_subscription_update,
)


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "active", "description", "created_at", "updated_at"]


class WebhookSubscriptionWithSecretSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(help_text="Shown only now: keep it to verify the signatures (whsec_…).")

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="Types to receive (see the event feed); empty or absent: every event.",
    )
    active = serializers.BooleanField(required=False, default=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class WebhookSubscriptionUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    event_types = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    active = serializers.BooleanField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RedeliverInputSerializer(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), help_text="The event id to send again.")


class RedeliveryQueuedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="The delivery job: its attempts appear in the delivery log.")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "event_type",
            "attempt",
            "redelivery",
            "attempted_at",
            "status_code",
            "response_ms",
            "error",
            "succeeded",
        ]


class WebhookSubscriptionViewSet(mixins.DestroyModelMixin, ServiceViewSet):
    """Webhook subscriptions: every event of the chosen types is POSTed to the URL, signed per Standard
    Webhooks (headers `webhook-id` = the event id, `webhook-timestamp`, `webhook-signature`) with the
    subscription's secret, which is shown once, on create and on rotate. A receiver that does not answer 2xx
    within 10 seconds gets the event again later, for a little over three days."""

    serializer_class = WebhookSubscriptionSerializer
    input_serializers = {
        "create": WebhookSubscriptionInputSerializer,
        "partial_update": WebhookSubscriptionUpdateSerializer,
        "redeliver": RedeliverInputSerializer,
    }
    change_actions = ("rotate_secret", "redeliver")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return webhook_subscription_list()

    @extend_schema(responses={201: WebhookSubscriptionWithSecretSerializer}, summary="Subscribe a receiver")
    def create(self, request):
        subscription = webhook_subscription_create(by=request.user, **self.validated_input())
        return Response(WebhookSubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change the URL, event types, description, or (de)activate")
    def partial_update(self, request, pk=None):
        subscription = webhook_subscription_update(
            subscription=self.get_object(), by=request.user, **self.validated_input(partial=True)
        )
        return self.respond(subscription)

    def perform_destroy(self, instance):
        webhook_subscription_delete(subscription=instance, by=self.request.user)

    @extend_schema(request=None, responses=WebhookSubscriptionWithSecretSerializer, summary="Rotate the secret")
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = webhook_subscription_secret_rotate(subscription=self.get_object(), by=request.user)
        return Response(WebhookSubscriptionWithSecretSerializer(subscription).data)

    @extend_schema(
        responses={202: RedeliveryQueuedSerializer},
        summary="Send an event to this receiver again",
        description="With the same `webhook-id` as before, so a receiver that dedupes by it applies it once.",
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        event = self.validated_input()["event"]
        job = webhook_redeliver(subscription=self.get_object(), event=event, by=request.user)
        return Response({"job": job}, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryFilter(django_filters.FilterSet):
    class Meta:
        model = WebhookDelivery
        fields = ["subscription", "event", "succeeded"]


class WebhookDeliveryViewSet(ServiceViewSet):
    """The delivery log: one row per attempt, with the receiver's status code and response time."""

    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilter

    def get_queryset(self):
        return webhook_delivery_list()


def register(router, extra_urlpatterns: list) -> None:
    router.register("webhook-subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscription")
    router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
