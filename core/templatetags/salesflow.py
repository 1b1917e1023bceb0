"""Display helpers shared by every page: prices, and the words a timeline uses."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django_fsm import FSMFieldMixin

from core import transitions

register = template.Library()


@register.filter
def price(value) -> str:
    """A unit price with 2 decimals, or up to 4 when it has them (12.50, 1.2345)."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    return floatformat(value, "2g" if value == value.quantize(Decimal("0.01")) else "4g")


@register.filter
def transition_label(entry) -> str:
    """A logged transition by its label (the button's name, or what happened for automatic ones)."""
    return transitions.transition_label(entry.content_type.model_class(), entry.transition)


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
