"""Packing slips as the API shows and accepts them."""

from rest_framework import serializers

from salesapp.api.document_serializers import quantity_field
from salesapp.models import PackingSlip, PackingSlipLine, SalesOrder


class PackingSlipLineSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(source="order_line.line_no", read_only=True)
    item = serializers.IntegerField(source="order_line.item_id", read_only=True, allow_null=True)
    item_number = serializers.CharField(source="order_line.item.number", read_only=True, allow_null=True)
    unit = serializers.CharField(source="order_line.unit", read_only=True)

    class Meta:
        model = PackingSlipLine
        fields = ["id", "order_line", "line_no", "item", "item_number", "quantity", "unit", "qty_invoiced"]
        read_only_fields = fields


class PackingSlipSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    customer = serializers.IntegerField(source="order.customer_id", read_only=True)
    customer_name = serializers.CharField(source="order.customer.party.name", read_only=True)
    lines = PackingSlipLineSerializer(many=True, read_only=True)

    class Meta:
        model = PackingSlip
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "customer",
            "customer_name",
            "state",
            "ship_date",
            "posted_at",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PackingSlipLineInputSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(help_text="Id of a line of the order.")
    quantity = quantity_field()


class PackingSlipInputSerializer(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(queryset=SalesOrder.objects.all())
    ship_date = serializers.DateField(required=False)
    lines = PackingSlipLineInputSerializer(
        many=True, required=False, help_text="Quantities to ship; leave out to ship every remainder."
    )

    def validate_lines(self, lines):
        seen = set()
        for line in lines:
            if line["order_line"] in seen:
                raise serializers.ValidationError(f"Order line {line['order_line']} is listed twice.")
            seen.add(line["order_line"])
        return lines
