"""Display helpers shared by every page: prices, and the words a timeline uses."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin

register = template.Library()

# Transitions fired by order_process or payments read better as what happened; the ones a user fires
# keep the name of their button.
TRANSITION_LABELS = {
    "confirm": _("Confirm"),
    "cancel": _("Cancel"),
    "post": _("Post"),
    "mark_delivered": _("Delivered"),
    "mark_invoiced": _("Invoiced"),
    "pay_partially": _("Partially paid"),
    "pay_fully": _("Paid"),
    "qualify": _("Qualify"),
    "convert": _("Convert"),
    "disqualify": _("Disqualify"),
    "win": _("Mark won"),
    "lose": _("Mark lost"),
    "activate": _("Activate"),
    "complete": _("Complete"),
}


@register.filter
def price(value) -> str:
    """A unit price with 2 decimals, or up to 4 when it has them (12.50, 1.2345)."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    return floatformat(value, "2g" if value == value.quantize(Decimal("0.01")) else "4g")


@register.filter
def transition_label(entry) -> str:
    name = entry.transition
    return str(TRANSITION_LABELS.get(name, name.replace("_", " ").capitalize()))


def _state_label(entry, value) -> str:
    model = entry.content_type.model_class()
    for field in model._meta.fields:
        if isinstance(field, FSMFieldMixin):
            label = dict(field.flatchoices).get(value)
            if label is not None:
                return str(label)
    return value or "—"


@register.filter
def source_state_label(entry) -> str:
    return _state_label(entry, entry.source_state)


@register.filter
def target_state_label(entry) -> str:
    return _state_label(entry, entry.state)
