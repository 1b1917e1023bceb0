"""An order line ordered from a vendor, as the API accepts and shows it."""

from rest_framework import serializers

from marketing.models import Party
from salesapp.choices import LineSupply
from salesapp.models import InboundSupplyLine


class OrderLineSupplyInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Id of a line of the order, shipped from stock, with nothing delivered.")
    supply = serializers.ChoiceField(
        choices=[LineSupply.DROP_SHIPMENT, LineSupply.SPECIAL_ORDER],
        help_text="drop_shipment: the vendor delivers to the customer; special_order: bought for this line.",
    )
    vendor = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), help_text="Party id of the vendor.")
    expected_date = serializers.DateField(help_text="When the vendor is expected to deliver.")
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class LineSupplyLineSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    supply = serializers.CharField(source="order_line.supply", read_only=True)

    class Meta:
        model = InboundSupplyLine
        fields = [
            "id",
            "number",
            "supply",
            "order_line",
            "vendor",
            "vendor_name",
            "item",
            "quantity",
            "expected_date",
            "qty_received",
            "reference",
            "state",
        ]
        read_only_fields = fields
