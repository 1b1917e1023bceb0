"""Saved segments: a named set of target filters that can be applied again to any campaign."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from marketing.models import Segment
from marketing.selectors.segments import segment_filters_clean

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _validated(segment: Segment) -> Segment:
    segment.name = (segment.name or "").strip()
    segment.description = (segment.description or "").strip()
    errors: dict[str, str] = {}
    if not segment.name:
        errors["name"] = gettext("A segment needs a name.")
    elif len(segment.name) > Segment._meta.get_field("name").max_length:
        errors["name"] = gettext("Keep the name under 100 characters.")
    elif Segment.objects.filter(name__iexact=segment.name).exclude(pk=segment.pk).exists():
        errors["name"] = gettext("There is already a segment named '%(name)s'.") % {"name": segment.name}
    if len(segment.description) > Segment._meta.get_field("description").max_length:
        errors["description"] = gettext("Keep the description under 300 characters.")
    try:
        segment.filters = segment_filters_clean(segment.filters)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return segment


@transaction.atomic
def segment_create(*, by: User, name: str, filters: dict, description: str = "") -> Segment:
    segment = _validated(Segment(created_by=by, name=name, filters=filters, description=description))
    segment.save()
    return segment


@transaction.atomic
def segment_update(
    *, segment: Segment, by: User, name: str | None = None, filters: dict | None = None, description: str | None = None
) -> Segment:
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    if name is not None:
        segment.name = name
    if filters is not None:
        segment.filters = filters
    if description is not None:
        segment.description = description
    _validated(segment).save()
    return segment


@transaction.atomic
def segment_delete(*, segment: Segment, by: User) -> Segment:
    """Targets keep what they were selected as: a segment is only a way to find them, so it may go at any time."""
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    segment.delete()
    return segment
