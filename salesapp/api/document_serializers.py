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
from salesapp.choices import LineType
from salesapp.line_types import DESCRIPTION_LENGTH, MAX_TEXT_LENGTH

# What a list's line queryset annotates so that its lines need no item and tax code rows (``with_line_codes``).
LINE_CODES = {"item_number": F("item__number"), "tax_code_code": F("tax_code__code")}
# What a list of documents annotates so that it needs no customer and party rows (``with_customer_codes``).
CUSTOMER_CODES = {"customer_number": F("customer__number"), "customer_name": F("customer__party__name")}


def quantity_field(**kwargs) -> serializers.DecimalField:
    return ColumnDecimalField(max_digits=15, decimal_places=3, **kwargs)


def line_type_input_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=LineType.choices,
        required=False,
        help_text="Leave out for a line of the item (item or service, from the item's type). `write_in`: a product "
        "not in the catalogue, without `item`, with its text in `description` and a `unit_price`; it is carried by "
        "the configured write-in item. `comment`: text only, without item, quantity (send 0) or price.",
    )


def line_item_input_field(queryset) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required for item lines; left out on write-in and comment lines.",
    )


def line_description_input_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=MAX_TEXT_LENGTH,
        allow_blank=True,
        help_text=f"At most {DESCRIPTION_LENGTH} characters on an item line. The text of a write-in or comment line "
        f"may be up to {MAX_TEXT_LENGTH}: beyond {DESCRIPTION_LENGTH} it continues on comment lines numbered right "
        "after the line.",
        **kwargs,
    )


def confirm_price_input_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        source="price_confirmed",
        required=False,
        default=False,
        help_text="A zero price, a 100 % discount or a price below the item's unit cost is refused (400, error on "
        "`confirm_price`) unless this is true.",
    )


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
    tax_code = AnnotatedSlugRelatedField(
        annotation="tax_code_code",
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="null on comment lines, which carry no amount.",
    )


class CustomerDocumentSerializer(ColumnReadMixin, serializers.ModelSerializer):
    """A document made out to a customer shows the customer's number and name beside its id."""

    serializer_field_mapping = FIELD_MAPPING
    customer_number = AnnotatedCharField(annotation="customer_number", source="customer.number", read_only=True)
    customer_name = AnnotatedCharField(annotation="customer_name", source="customer.party.name", read_only=True)


def unique_lines(lines: list[dict], key: str = "order_line") -> list[dict]:
    """An input that names each line (by ``key``: ``order_line``, ``invoice_line``) at most once: a second
    mention is refused, not added up or overwritten."""
    seen = set()
    for line in lines:
        if line[key] in seen:
            raise serializers.ValidationError(f"{key.replace('_', ' ').capitalize()} {line[key]} is listed twice.")
        seen.add(line[key])
    return lines
