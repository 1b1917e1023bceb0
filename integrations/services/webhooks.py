"""Webhook subscriptions, the relay that turns new events into deliveries, and one delivery attempt.

Events are not delivered from the transaction that records them (that would add a job per event to every
posting): a periodic relay reads the settled event feed after its own cursor and enqueues one delivery job
per event and subscription, then moves the cursor, in one transaction, so each is enqueued exactly once.
A delivery job POSTs the event signed per Standard Webhooks (``webhook-id`` is the event id, also on a
redelivery, so a receiver can drop what it already applied) and logs each attempt."""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext
from standardwebhooks import Webhook

from core.errors import ActionForbidden, ErrorCode, TransitionRefused, ValidationFailed
from core.events import event_document, event_types, events_after
from core.jobs import job_enqueue, job_enqueue_many
from core.models import Event
from integrations.errors import ErrorCode as IntegrationsErrorCode
from integrations.models import RelayPosition, WebhookDelivery, WebhookSubscription
from integrations.services.webhook_targets import target_refusal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A receiver that takes longer is counted as failed (and tried again later): a worker is not held for long.
DELIVERY_TIMEOUT_SECONDS = 10
# Events the relay hands out per run; the next run continues where it stopped.
RELAY_BATCH = 500
SUBSCRIPTION_FIELDS = ("url", "event_types", "active", "description")


class DeliveryFailed(Exception):
    """The receiver did not take the event (no answer, or not a 2xx): the delivery job tries again later."""


def secret_generate() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _permission_guard(by: User, permission: str, message: str) -> None:
    if not by.has_perm(permission):
        raise ActionForbidden(code=ErrorCode.PERMISSION_DENIED, reason=message)


def _validated(fields: dict) -> dict:
    errors = {}
    unknown = set(fields) - set(SUBSCRIPTION_FIELDS)
    for name in sorted(unknown):
        errors[name] = gettext("This field cannot be changed here.")
    if "url" in fields:
        url = (fields["url"] or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = gettext("Enter the http or https URL of the receiver.")
        if len(url) > WebhookSubscription._meta.get_field("url").max_length:
            errors["url"] = gettext("Enter at most %(max)s characters.") % {"max": 500}
        if "url" not in errors:
            refusal = target_refusal(url)
            if refusal:
                errors["url"] = refusal
        fields["url"] = url
    if "event_types" in fields:
        wanted = list(dict.fromkeys(fields["event_types"] or []))
        known = set(event_types())
        unknown_types = [name for name in wanted if name not in known]
        if unknown_types:
            errors["event_types"] = gettext("Unknown event types: %(unknown)s. Known: %(known)s.") % {
                "unknown": ", ".join(unknown_types),
                "known": ", ".join(sorted(known)),
            }
        fields["event_types"] = wanted
    if len(fields.get("description") or "") > 200:
        errors["description"] = gettext("Enter at most %(max)s characters.") % {"max": 200}
    if errors:
        raise ValidationFailed(field_errors=errors)
    return fields


@transaction.atomic
def webhook_subscription_create(
    *, url: str, by: User, event_types: list[str] | None = None, active: bool = True, description: str = ""
) -> WebhookSubscription:
    """A new subscription with a new secret; the caller shows the secret once (it is not shown again)."""
    _permission_guard(
        by, "integrations.add_webhooksubscription", gettext("You are not allowed to add webhook subscriptions.")
    )
    fields = _validated({"url": url, "event_types": event_types or [], "active": active, "description": description})
    return WebhookSubscription.objects.create(**fields, secret=secret_generate(), created_by=by)


def _locked(subscription: WebhookSubscription) -> WebhookSubscription:
    return WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)


@transaction.atomic
def webhook_subscription_update(*, subscription: WebhookSubscription, by: User, **fields) -> WebhookSubscription:
    _permission_guard(
        by, "integrations.change_webhooksubscription", gettext("You are not allowed to change webhook subscriptions.")
    )
    fields = _validated(dict(fields))
    subscription = _locked(subscription)
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save()
    return subscription


@transaction.atomic
def webhook_subscription_secret_rotate(*, subscription: WebhookSubscription, by: User) -> WebhookSubscription:
    """A new secret, from now on for every delivery (also for retries of earlier events)."""
    _permission_guard(
        by, "integrations.change_webhooksubscription", gettext("You are not allowed to change webhook subscriptions.")
    )
    subscription = _locked(subscription)
    subscription.secret = secret_generate()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription, by: User) -> None:
    """Remove a subscription and its delivery log; its waiting deliveries find it gone and stop."""
    _permission_guard(
        by, "integrations.delete_webhooksubscription", gettext("You are not allowed to delete webhook subscriptions.")
    )
    _locked(subscription).delete()


@transaction.atomic
def webhook_redeliver(*, subscription: WebhookSubscription, event: Event, by: User) -> int:
    """Send ``event`` to ``subscription`` again (with the same webhook-id); returns the delivery job's id."""
    _permission_guard(
        by, "integrations.change_webhooksubscription", gettext("You are not allowed to redeliver webhooks.")
    )
    from integrations.jobs import webhook_deliver_job

    subscription = _locked(subscription)
    if not subscription.active:
        raise TransitionRefused(
            code=IntegrationsErrorCode.WEBHOOK_SUBSCRIPTION_INACTIVE,
            reason=gettext("The subscription to %(url)s is not active: activate it before redelivering.")
            % {"url": subscription.url},
        )
    return job_enqueue(webhook_deliver_job, subscription_id=subscription.pk, event_id=event.pk, redelivery=True)


@transaction.atomic
def webhook_relay_run(*, batch: int = RELAY_BATCH) -> int:
    """Enqueue one delivery per settled new event and interested active subscription; returns how many.

    The position row is locked: two relays running at once take turns, and neither hands out an event twice."""
    from integrations.jobs import webhook_deliver_job

    RelayPosition.objects.get_or_create(pk=1)
    position = RelayPosition.objects.select_for_update().get(pk=1)
    events = list(events_after(after=position.event_id).select_related(None).only("id", "type")[:batch])
    if not events:
        return 0
    subscriptions = list(WebhookSubscription.objects.filter(active=True).only("id", "event_types"))
    deliveries = [
        {"subscription_id": subscription.pk, "event_id": event.pk, "redelivery": False}
        for event in events
        for subscription in subscriptions
        if subscription.wants(event.type)
    ]
    job_enqueue_many(webhook_deliver_job, deliveries)
    position.event = events[-1]
    position.save(update_fields=["event"])
    return len(deliveries)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A receiver answers for itself: a redirect is not followed (it would turn the POST into a GET).
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    refusal = target_refusal(url)
    if refusal:
        return None, refusal
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:2000]


def webhook_signed_request(*, subscription: WebhookSubscription, event: Event) -> tuple[bytes, dict[str, str]]:
    """The body and headers of ``event`` for ``subscription``, signed with its current secret."""
    body = json.dumps(event_document(event), cls=DjangoJSONEncoder)
    sent_at = datetime.datetime.now(datetime.UTC)
    message_id = str(event.pk)
    return body.encode(), {
        "Content-Type": "application/json",
        "User-Agent": "salesflow-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(subscription.secret).sign(message_id, sent_at, body),
    }


def webhook_deliver(*, subscription_id: int, event_id: int, redelivery: bool = False) -> WebhookDelivery | None:
    """One attempt: POST the event and log the answer (committed whatever the outcome). Raises DeliveryFailed
    when the receiver did not take it. None when the subscription is gone or inactive: nothing is sent."""
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        return None
    event = Event.objects.select_related("subject_type").get(pk=event_id)
    body, headers = webhook_signed_request(subscription=subscription, event=event)
    started = time.monotonic()
    status_code, error = _post(subscription.url, body, headers)
    elapsed = round((time.monotonic() - started) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    attempt = WebhookDelivery.objects.filter(subscription=subscription, event=event).count() + 1
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=event,
        attempt=attempt,
        redelivery=redelivery,
        status_code=status_code,
        response_ms=elapsed,
        error=error or ("" if succeeded else gettext("The receiver answered %(status)s.") % {"status": status_code}),
        succeeded=succeeded,
    )
    if not succeeded:
        raise DeliveryFailed(f"event {event.pk} to {subscription.url}: {delivery.error}")
    return delivery
