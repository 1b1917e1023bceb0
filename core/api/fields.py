"""Read-only serializer fields for long lists: the same output as DRF's, for less work per value."""

from __future__ import annotations

import copy
import decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language
from rest_framework import relations, serializers
from rest_framework.settings import api_settings

# The fields ModelSerializer builds, per serializer class and language (see ColumnReadMixin.get_fields).
_built_fields: dict[tuple[type, str | None], dict] = {}


class ColumnDecimalField(serializers.DecimalField):
    """A DecimalField that writes a value already at its scale as it is.

    Amounts and quantities read from a numeric column of the same scale need no rounding, yet DRF quantizes each
    one in a fresh decimal context (a page of orders holds thousands). The string is the one DecimalField gives;
    any other value (another scale, too many digits, a float, localized or normalized output) takes DRF's road."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._quantum = decimal.Decimal(1).scaleb(-self.decimal_places) if self.decimal_places is not None else None
        # Values of fewer integer digits than this fit max_digits, so quantizing could not refuse them.
        self._integer_digits = (
            self.max_digits - self.decimal_places if self.max_digits is not None and self._quantum else None
        )

    def to_representation(self, value):
        if (
            type(value) is decimal.Decimal
            and self._integer_digits is not None
            and not self.localize
            and not self.normalize_output
            and getattr(self, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
            and value.is_finite()
            and value.same_quantum(self._quantum)
            and value.adjusted() < self._integer_digits
        ):
            return f"{value:f}"
        return super().to_representation(value)


class AnnotatedCharField(serializers.CharField):
    """A read-only value of a related row (``source="item.number"``) that a list's queryset may have annotated on
    the row itself (``annotation="item_number"``): fifty orders' lines then need no item rows. Without the
    annotation the value is read through the relation, so every queryset serializes the same."""

    def __init__(self, *, annotation: str, **kwargs):
        self.annotation = annotation
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if self.annotation in instance.__dict__:
            return instance.__dict__[self.annotation]
        return super().get_attribute(instance)


class AnnotatedSlugRelatedField(serializers.SlugRelatedField):
    """A read-only SlugRelatedField whose slug a list's queryset may have annotated on the row (``annotation``);
    without the annotation the related row is read as usual. The API schema is the SlugRelatedField's."""

    def __init__(self, *, annotation: str, **kwargs):
        self.annotation = annotation
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if self.annotation in instance.__dict__:
            slug = instance.__dict__[self.annotation]
            return None if slug is None else _Slug(slug)
        return super().get_attribute(instance)

    def to_representation(self, obj):
        if isinstance(obj, _Slug):
            return obj.value
        return super().to_representation(obj)


class _Slug:
    """An annotated slug, told apart from a related row by ``to_representation``."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


# ModelSerializer's mapping with amounts and quantities written by ColumnDecimalField.
FIELD_MAPPING = {**serializers.ModelSerializer.serializer_field_mapping, models.DecimalField: ColumnDecimalField}


class ColumnReadMixin:
    # Reads a ModelSerializer's plain columns and foreign key ids straight from the row. (A comment, not a
    # docstring: the API schema would show a docstring as the description of every serializer without its own.)
    #
    # DRF resolves every field of every row through its generic attribute walk (``source`` split on dots,
    # callables called, missing relations caught); a list of fifty documents with their lines does that some ten
    # thousand times. A field whose source is one concrete column of the model, and that does not read the row its
    # own way, gets its value by one ``getattr``; a primary key field of a foreign key gets the id column. Every
    # other field takes DRF's road. The representation is the one ``ModelSerializer.to_representation`` gives.

    def to_representation(self, instance):
        plan = self.__dict__.get("_column_plan")
        if plan is None:
            plan = self.__dict__["_column_plan"] = self._column_read_plan()
        ret = {}
        for name, field, column, pk_only in plan:
            if column is not None:
                value = getattr(instance, column)
                if value is None:
                    ret[name] = None
                elif pk_only:
                    ret[name] = value
                else:
                    ret[name] = field.to_representation(value)
                continue
            try:
                attribute = field.get_attribute(instance)
            except serializers.SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret

    def get_fields(self):
        # ModelSerializer introspects the model and translates every label again for each serializer made, that is
        # on every request. What it builds depends only on the class and the language: built once, then copied
        # (DRF copies its declared fields the same way).
        key = (type(self), get_language())
        built = _built_fields.get(key)
        if built is None:
            built = _built_fields[key] = super().get_fields()
        return copy.deepcopy(built)

    def _column_read_plan(self) -> list[tuple]:
        """(name, field, column to read or None, whether the column's value is the representation)."""
        model = self.Meta.model
        plan = []
        for field in self._readable_fields:
            column, pk_only = None, False
            if len(field.source_attrs) == 1:
                try:
                    model_field = model._meta.get_field(field.source_attrs[0])
                except FieldDoesNotExist:
                    model_field = None
                if model_field is not None and model_field.concrete:
                    if type(field).get_attribute is serializers.Field.get_attribute and not model_field.is_relation:
                        column = model_field.attname
                    elif (
                        type(field) is relations.PrimaryKeyRelatedField
                        and field.pk_field is None
                        and model_field.many_to_one
                    ):
                        column, pk_only = model_field.attname, True
            plan.append((field.field_name, field, column, pk_only))
        return plan
