"""Serializer pieces every sales and invoicing document shares: lines and the customer header."""

from django.db.models import F
from rest_framework import serializers

from core.api.fields import (
    FIELD_MAPPING,
    AnnotatedCharField,
    AnnotatedSlugRelatedField,
    ColumnDecimalField,
    ColumnReadMixin,
)

# What a list's line queryset annotates so that its lines need no item and tax code rows (``with_line_codes``).
LINE_CODES = {"item_number": F("item__number"), "tax_code_code": F("tax_code__code")}
# What a list of documents annotates so that it needs no customer and party rows (``with_customer_codes``).
CUSTOMER_CODES = {"customer_number": F("customer__number"), "customer_name": F("customer__party__name")}


def quantity_field(**kwargs) -> serializers.DecimalField:
    return ColumnDecimalField(max_digits=15, decimal_places=3, **kwargs)


def with_line_codes(lines):
    """Document lines with the item number and tax code the API shows, read in the lines' own query."""
    return lines.annotate(**LINE_CODES)


def with_customer_codes(documents, **more):
    """Documents with the customer number and name the API shows (and ``more`` such values) read in their own
    query instead of customer and party rows."""
    return documents.select_related(None).annotate(**CUSTOMER_CODES, **more)


class DocumentLineSerializer(ColumnReadMixin, serializers.ModelSerializer):
    """The fields every document line shares (salesapp.models.lines.DocumentLine), read-only."""

    FIELDS = [
        "id",
        "line_no",
        "line_type",
        "item",
        "item_number",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "discount_percent",
        "price_source",
        "tax_code",
        "net_amount",
    ]
    serializer_field_mapping = FIELD_MAPPING
    item_number = AnnotatedCharField(annotation="item_number", source="item.number", read_only=True, allow_null=True)
    tax_code = AnnotatedSlugRelatedField(annotation="tax_code_code", slug_field="code", read_only=True)


class CustomerDocumentSerializer(ColumnReadMixin, serializers.ModelSerializer):
    """A document made out to a customer shows the customer's number and name beside its id."""

    serializer_field_mapping = FIELD_MAPPING
    customer_number = AnnotatedCharField(annotation="customer_number", source="customer.number", read_only=True)
    customer_name = AnnotatedCharField(annotation="customer_name", source="customer.party.name", read_only=True)
