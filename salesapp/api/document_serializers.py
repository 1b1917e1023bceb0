"""Serializer pieces every sales and invoicing document shares: lines and the customer header."""

from rest_framework import serializers


def quantity_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=15, decimal_places=3, **kwargs)


class DocumentLineSerializer(serializers.ModelSerializer):
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
    item_number = serializers.CharField(source="item.number", read_only=True, allow_null=True)
    tax_code = serializers.SlugRelatedField(slug_field="code", read_only=True)


class CustomerDocumentSerializer(serializers.ModelSerializer):
    """A document made out to a customer shows the customer's number and name beside its id."""

    customer_number = serializers.CharField(source="customer.number", read_only=True)
    customer_name = serializers.CharField(source="customer.party.name", read_only=True)
