"""What an API write accepts: only the fields its input serializer declares (DESIGN.md §6).

A misspelt or read-only field silently ignored is a change the client believes it made; it is refused instead,
with every such field named."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext
from rest_framework import serializers

from core.errors import ErrorCode, ValidationFailed


def _unknown(serializer, data, *, output_fields: frozenset[str], prefix: str = "") -> dict[str, str]:
    if not isinstance(data, Mapping):
        return {}
    fields = serializer.fields if serializer is not None else {}
    errors: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        field = fields.get(key)
        if field is None or field.read_only:
            known = field is not None or (not prefix and key in output_fields)
            errors[name] = gettext("This field is read-only.") if known else gettext("Unknown field.")
        elif isinstance(field, serializers.ListSerializer) and isinstance(value, list):
            for index, item in enumerate(value):
                errors.update(_unknown(field.child, item, output_fields=frozenset(), prefix=f"{name}[{index}]"))
        elif isinstance(field, serializers.Serializer):
            errors.update(_unknown(field, value, output_fields=frozenset(), prefix=name))
    return errors


def refuse_unknown_fields(data, *, input_serializer, output_serializer=None) -> None:
    """Raise ``ValidationFailed`` (code ``unknown-field``) naming every field of ``data`` that
    ``input_serializer`` (None: an action that takes no body) does not accept."""
    output_fields = frozenset(output_serializer.fields) if output_serializer is not None else frozenset()
    errors = _unknown(input_serializer, data, output_fields=output_fields)
    if errors:
        raise ValidationFailed(code=ErrorCode.UNKNOWN_FIELD, field_errors=errors)


class KnownFieldsOnly:
    """For API views: a write whose body holds a field the view does not accept is refused before it runs.

    The view names its input serializer per action with ``input_serializer_for(action)``."""

    WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})

    def input_serializer_for(self, action):
        return None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A method the view does not offer is a 405, whatever its body holds.
        if request.method not in self.WRITE_METHODS or getattr(self, request.method.lower(), None) is None:
            return
        serializer_class = self.input_serializer_for(getattr(self, "action", None))
        output_class = self.get_serializer_class() if hasattr(self, "get_serializer_class") else None
        refuse_unknown_fields(
            request.data,
            input_serializer=serializer_class() if serializer_class else None,
            output_serializer=output_class() if output_class else None,
        )


def errors_by_request_index(exc: ValidationFailed, ids: list[int], *, id_field: str) -> ValidationFailed:
    """A service names a line it was given by its id (``lines[<id>]``, ``lines[<id>].quantity``); an integrator
    needs the position in the list it sent (``lines[0].quantity``; a bare id becomes ``lines[0].<id_field>``).
    Keys naming no line of the request are kept as they are."""
    index_of = {line_id: index for index, line_id in enumerate(ids)}
    fields = {}
    for field, message in exc.field_errors.items():
        match = re.fullmatch(r"lines\[(\d+)\](\..+)?", field)
        if match and int(match[1]) in index_of:
            field = f"lines[{index_of[int(match[1])]}]{match[2] or '.' + id_field}"
        fields[field] = message
    return ValidationFailed(code=exc.code, field_errors=fields)
