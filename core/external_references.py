"""Coupling a local record to a record in another system (DESIGN.md §6): the other system's id, once.

A CRM that sends the same order twice, or a shop that retries a customer sign-up, finds the record it made the
first time (``record_by_external_id``) or is refused naming it: an external id names one record of a kind per
system, and a record has one id per system. The database guards both (``core.models.ExternalReference``)."""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

from core.db import constraint_name
from core.errors import ActionForbidden, ErrorCode, ValidationFailed
from core.models import ExternalReference

SYSTEM_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
EXTERNAL_ID_MAX = ExternalReference._meta.get_field("external_id").max_length


def _change_permission(instance: models.Model) -> str:
    meta = instance._meta
    return f"{meta.app_label}.change_{meta.model_name}"


def _input_errors(system: str, external_id: str) -> dict[str, str]:
    errors = {}
    if not SYSTEM_PATTERN.match(system):
        errors["system"] = gettext(
            "Name the system in lower case letters, digits, - or _ (at most 40), e.g. crm or webshop."
        )
    if not external_id:
        errors["external_id"] = gettext("Enter the record's id in that system.")
    elif len(external_id) > EXTERNAL_ID_MAX:
        errors["external_id"] = gettext("Enter at most %(max)s characters.") % {"max": EXTERNAL_ID_MAX}
    return errors


def _taken_errors(content_type: ContentType, instance: models.Model, system: str, external_id: str) -> dict:
    taken = ExternalReference.objects.filter(system=system, content_type=content_type)
    other = taken.filter(external_id=external_id).exclude(object_id=instance.pk).values_list("object_id").first()
    if other is not None:
        record = content_type.model_class()._base_manager.filter(pk=other[0]).first()
        return {
            "external_id": gettext("%(system)s id %(id)s is already coupled to %(record)s.")
            % {"system": system, "id": external_id, "record": record or f"#{other[0]}"}
        }
    own = taken.filter(object_id=instance.pk).exclude(external_id=external_id).values_list("external_id").first()
    if own is not None:
        return {
            "system": gettext("%(record)s is already coupled to %(system)s id %(id)s: uncouple that first.")
            % {"record": instance, "system": system, "id": own[0]}
        }
    return {}


@transaction.atomic
def external_reference_couple(*, instance: models.Model, system: str, external_id: str, by) -> ExternalReference:
    """Couple ``instance`` to ``external_id`` in ``system``. Coupling it again to the same id changes nothing
    (a retried call); another id, or an id coupled to another record, is refused naming what has it."""
    if not by.has_perm(_change_permission(instance)):
        raise ActionForbidden(
            code=ErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow changing %(record)s.") % {"record": instance},
        )
    system, external_id = (system or "").strip().lower(), (external_id or "").strip()
    errors = _input_errors(system, external_id)
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    if not errors:
        errors = _taken_errors(content_type, instance, system, external_id)
    if errors:
        raise ValidationFailed(code=ErrorCode.EXTERNAL_REFERENCE_TAKEN, field_errors=errors)
    existing = ExternalReference.objects.filter(
        system=system, content_type=content_type, object_id=instance.pk, external_id=external_id
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ExternalReference.objects.create(
                system=system, external_id=external_id, content_type=content_type, object_id=instance.pk, created_by=by
            )
    except IntegrityError as error:
        # Another request coupled the same id (or this record) a moment ago: the same answer as above.
        if constraint_name(error) not in {"external_reference_names_one_record", "external_reference_once_per_system"}:
            raise
        errors = _taken_errors(content_type, instance, system, external_id)
        raise ValidationFailed(code=ErrorCode.EXTERNAL_REFERENCE_TAKEN, field_errors=errors) from error


@transaction.atomic
def external_reference_uncouple(*, instance: models.Model, system: str, by) -> None:
    """Remove ``instance``'s coupling to ``system`` (refused when there is none)."""
    if not by.has_perm(_change_permission(instance)):
        raise ActionForbidden(
            code=ErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow changing %(record)s.") % {"record": instance},
        )
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    deleted, _ = ExternalReference.objects.filter(
        system=(system or "").strip().lower(), content_type=content_type, object_id=instance.pk
    ).delete()
    if not deleted:
        raise ValidationFailed(
            code=ErrorCode.INVALID,
            field_errors={
                "system": gettext("%(record)s is not coupled to %(system)s.") % {"record": instance, "system": system}
            },
        )


def external_references_of(instance: models.Model) -> list[ExternalReference]:
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return list(ExternalReference.objects.filter(content_type=content_type, object_id=instance.pk))


def records_by_external_reference(queryset: models.QuerySet, value: str) -> models.QuerySet:
    """``queryset`` narrowed to the record coupled to ``system:external id`` (none when nothing is)."""
    system, _, external_id = (value or "").partition(":")
    content_type = ContentType.objects.get_for_model(queryset.model, for_concrete_model=True)
    coupled = ExternalReference.objects.filter(
        system=system.strip().lower(), external_id=external_id.strip(), content_type=content_type
    ).values("object_id")
    return queryset.filter(pk__in=coupled)
