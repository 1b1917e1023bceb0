from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin import OneAtATimeDeleteMixin, ReadOnlyAdmin, ServiceAdminMixin
from core.events import event_types
from core.models import Event
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services.webhooks import (
    webhook_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_secret_rotate,
    webhook_subscription_update,
)


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        required=False,
        help_text=_("Leave empty to receive every event."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "event_types", "active", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(name, name) for name in event_types()]


def _secret_shown(request, subscription: WebhookSubscription) -> None:
    messages.warning(
        request,
        gettext("The secret of %(url)s, shown only now: %(secret)s")
        % {"url": subscription.url, "secret": subscription.secret},
    )


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "active", "event_types", "description", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "description")
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if change:
            saved = webhook_subscription_update(subscription=obj, by=request.user, **fields)
        else:
            saved = webhook_subscription_create(by=request.user, **fields)
            _secret_shown(request, saved)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        webhook_subscription_delete(subscription=obj, by=request.user)

    @admin.action(description=_("Rotate the secret (shown once)"))
    def rotate_secret(self, request, queryset):
        def rotate(subscription):
            _secret_shown(request, webhook_subscription_secret_rotate(subscription=subscription, by=request.user))

        self.run_service(
            request,
            queryset,
            rotate,
            done=ngettext_lazy("%(count)s secret rotated.", "%(count)s secrets rotated.", "count"),
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ServiceAdminMixin, ReadOnlyAdmin):
    list_display = (
        "id",
        "subscription",
        "event",
        "attempt",
        "redelivery",
        "status_code",
        "response_ms",
        "succeeded",
        "attempted_at",
    )
    list_filter = ("succeeded", "redelivery")
    list_select_related = ("subscription", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    @admin.action(description=_("Redeliver the event (same webhook-id)"), permissions=["view"])
    def redeliver(self, request, queryset):
        def redeliver(delivery):
            webhook_redeliver(subscription=delivery.subscription, event=delivery.event, by=request.user)

        self.run_service(
            request,
            queryset,
            redeliver,
            done=ngettext_lazy("%(count)s redelivery queued.", "%(count)s redeliveries queued.", "count"),
        )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "subject_type", "subject_id", "actor", "occurred_at")
    list_filter = ("type",)
    list_select_related = ("subject_type", "actor")
    readonly_fields = ("id", "type", "payload", "subject_type", "subject_id", "actor", "occurred_at", "txid")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
