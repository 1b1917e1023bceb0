"""Items as the API shows and accepts them."""

from rest_framework import serializers

from core.api.fields import ColumnReadMixin
from core.money import MAX_UNIT_PRICE
from salesapp.api.document_serializers import quantity_field
from salesapp.choices import ItemType
from salesapp.models import Item, TaxCode


class ItemSerializer(ColumnReadMixin, serializers.ModelSerializer):
    tax_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    free = quantity_field(read_only=True, help_text="On hand less what is promised to confirmed orders.")

    class Meta:
        model = Item
        fields = [
            "id",
            "number",
            "name",
            "item_type",
            "unit",
            "unit_price",
            "tax_code",
            "active",
            "on_hand",
            "reserved",
            "free",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ItemInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    item_type = serializers.ChoiceField(choices=ItemType.choices, required=False)
    unit = serializers.CharField(max_length=10, required=False)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE, required=False)
    tax_code = serializers.SlugRelatedField(
        slug_field="code", queryset=TaxCode.objects.filter(active=True), help_text="Tax code, e.g. NL21"
    )
    active = serializers.BooleanField(required=False)
