"""Inbound supply and item stock as the API shows and accepts them."""

from rest_framework import serializers

from core.money import MAX_QUANTITY
from marketing.models import Party
from salesapp.api.document_serializers import quantity_field
from salesapp.models import InboundSupplyLine, Item, StockMove


class InboundSupplyLineSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    item_number = serializers.CharField(source="item.number", read_only=True)
    remaining = quantity_field(read_only=True, help_text="Still to come: quantity − received.")

    class Meta:
        model = InboundSupplyLine
        fields = [
            "id",
            "number",
            "vendor",
            "vendor_name",
            "item",
            "item_number",
            "quantity",
            "qty_received",
            "remaining",
            "expected_date",
            "reference",
            "state",
            "order_line",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class InboundSupplyLineInputSerializer(serializers.Serializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), help_text="The vendor's party id.")
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), help_text="A stocked, active item.")
    quantity = quantity_field(max_value=MAX_QUANTITY)
    expected_date = serializers.DateField()
    reference = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="The vendor's order number."
    )


class InboundSupplyLineUpdateInputSerializer(serializers.Serializer):
    """An open line; fields left out stay as they are. The quantity never goes below what came in."""

    vendor = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), required=False)
    quantity = quantity_field(max_value=MAX_QUANTITY, required=False)
    expected_date = serializers.DateField(required=False)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)


class SupplyReceiveInputSerializer(serializers.Serializer):
    quantity = quantity_field(max_value=MAX_QUANTITY, help_text="At most what is still to come.")
    received_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class SupplyImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV, UTF-8, separated by ; or , with a header row naming the columns: vendor (party id or exact "
        "name), item (item number), quantity, expected_date (2030-01-31), reference (optional)."
    )


class StockMoveSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    supply_line_number = serializers.CharField(source="supply_line.number", read_only=True, allow_null=True)
    packing_slip_number = serializers.CharField(
        source="packing_slip_line.packing_slip.number", read_only=True, allow_null=True
    )

    class Meta:
        model = StockMove
        fields = [
            "id",
            "kind",
            "quantity",
            "moved_on",
            "moved_at",
            "reason",
            "supply_line",
            "supply_line_number",
            "packing_slip_line",
            "packing_slip_number",
            "created_by",
        ]
        read_only_fields = fields


class OpenSupplySerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    remaining = quantity_field(read_only=True)

    class Meta:
        model = InboundSupplyLine
        fields = ["id", "number", "vendor", "vendor_name", "expected_date", "remaining", "order_line"]
        read_only_fields = fields


class ItemStockSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    unit = serializers.CharField()
    on_hand = quantity_field()
    reserved = quantity_field()
    free = quantity_field(help_text="On hand less what is promised to confirmed orders.")
    open_supply = OpenSupplySerializer(many=True, help_text="Still to come, soonest first.")


class StockAdjustmentInputSerializer(serializers.Serializer):
    quantity = quantity_field(
        max_value=MAX_QUANTITY, min_value=-MAX_QUANTITY, help_text="Added; below zero, taken off."
    )
    reason = serializers.CharField(max_length=300, help_text="Why the stock changes: a count, damage, opening stock.")
