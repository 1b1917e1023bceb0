"""Product relations, suggestions and standard line sets as the API shows and accepts them."""

from rest_framework import serializers

from core.money import MAX_QUANTITY
from salesapp.api.document_serializers import quantity_field
from salesapp.api.order_serializers import SalesOrderSerializer
from salesapp.api.quotation_serializers import QuotationSerializer
from salesapp.choices import Currency, RelationKind
from salesapp.models import (
    Customer,
    CustomerPriceGroup,
    Item,
    ProductRelation,
    QuotationLine,
    SalesOrderLine,
    StandardLine,
    StandardLineSet,
    SuggestionEvent,
)

RELATION_OUTPUT = [
    "id",
    "item",
    "item_number",
    "suggested_item",
    "suggested_item_number",
    "suggested_item_name",
    "kind",
    "min_quantity",
    "price_group",
    "price_group_code",
    "valid_from",
    "valid_to",
    "priority",
    "pitch",
    "active",
]


class ProductRelationSerializer(serializers.ModelSerializer):
    item_number = serializers.CharField(source="item.number", read_only=True)
    suggested_item_number = serializers.CharField(source="suggested_item.number", read_only=True)
    suggested_item_name = serializers.CharField(source="suggested_item.name", read_only=True)
    price_group_code = serializers.CharField(source="price_group.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ProductRelation
        fields = [*RELATION_OUTPUT, "created_at", "updated_at", "version"]
        read_only_fields = fields


class ProductRelationInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    suggested_item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    min_quantity = quantity_field(max_value=MAX_QUANTITY, required=False, allow_null=True, help_text="Null: any.")
    price_group = serializers.PrimaryKeyRelatedField(
        queryset=CustomerPriceGroup.objects.all(),
        required=False,
        allow_null=True,
        help_text="Customer price group id; null: every customer (a prospect gets only these rules).",
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    priority = serializers.IntegerField(min_value=0, max_value=32767, required=False, help_text="Lowest first.")
    pitch = serializers.CharField(max_length=300, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class SuggestionQuerySerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), help_text="Item id of the line")
    quantity = quantity_field(max_value=MAX_QUANTITY, min_value=0, required=False, default=1)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="Customer id; leave out for a prospect",
    )
    date = serializers.DateField(required=False, help_text="The document date; today when left out.")
    currency = serializers.ChoiceField(
        choices=Currency.choices, required=False, help_text="The customer's currency when left out, else EUR."
    )


class SuggestionSerializer(serializers.Serializer):
    """One suggestion for a line: the rule, and the suggested item priced for the customer (``price_for``)."""

    relation = serializers.IntegerField(source="relation.pk")
    kind = serializers.CharField(source="relation.kind")
    suggested_item = serializers.IntegerField(source="relation.suggested_item_id")
    suggested_item_number = serializers.CharField(source="relation.suggested_item.number")
    suggested_item_name = serializers.CharField(source="relation.suggested_item.name")
    pitch = serializers.CharField(source="relation.pitch")
    priority = serializers.IntegerField(source="relation.priority")
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, source="price.unit_price")
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, source="price.discount_percent")
    price_source = serializers.CharField(source="price.source")


class SuggestionAcceptInputSerializer(serializers.Serializer):
    line = serializers.PrimaryKeyRelatedField(queryset=SalesOrderLine.objects.all(), help_text="Order line id")
    relation = serializers.PrimaryKeyRelatedField(queryset=ProductRelation.objects.all(), help_text="Rule id")


class SuggestionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionEvent
        fields = [
            "id",
            "kind",
            "relation",
            "order",
            "order_line",
            "added_line",
            "quotation",
            "quotation_line",
            "added_quotation_line",
            "revenue",
            "at",
            "undone_at",
        ]
        read_only_fields = fields


class SuggestionAcceptedSerializer(serializers.Serializer):
    event = SuggestionEventSerializer()
    order = SalesOrderSerializer()


class QuotationSuggestionAcceptInputSerializer(serializers.Serializer):
    line = serializers.PrimaryKeyRelatedField(queryset=QuotationLine.objects.all(), help_text="Quotation line id")
    relation = serializers.PrimaryKeyRelatedField(queryset=ProductRelation.objects.all(), help_text="Rule id")


class QuotationSuggestionAcceptedSerializer(serializers.Serializer):
    event = SuggestionEventSerializer()
    quotation = QuotationSerializer()


class StandardLineSerializer(serializers.ModelSerializer):
    item_number = serializers.CharField(source="item.number", read_only=True)

    class Meta:
        model = StandardLine
        fields = ["line_no", "item", "item_number", "quantity"]
        read_only_fields = fields


class StandardLineSetSerializer(serializers.ModelSerializer):
    lines = StandardLineSerializer(many=True, read_only=True)

    class Meta:
        model = StandardLineSet
        fields = ["id", "name", "customer", "active", "lines", "created_at", "updated_at", "version"]
        read_only_fields = fields


class StandardLineInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    quantity = quantity_field(max_value=MAX_QUANTITY)


class StandardLineSetInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True, help_text="Null: for every customer."
    )
    active = serializers.BooleanField(required=False)
    lines = StandardLineInputSerializer(many=True, help_text="Replaces all lines of the set.")


class InsertStandardLinesInputSerializer(serializers.Serializer):
    line_set = serializers.PrimaryKeyRelatedField(queryset=StandardLineSet.objects.all(), help_text="Set id")
