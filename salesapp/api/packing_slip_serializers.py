"""Packing slips as the API shows and accepts them."""

from rest_framework import serializers

from salesapp.api.document_serializers import quantity_field, unique_lines
from salesapp.choices import ReturnDisposition
from salesapp.models import PackingSlip, PackingSlipLine, SalesOrder


class PackingSlipLineSerializer(serializers.ModelSerializer):
    line_no = serializers.IntegerField(source="order_line.line_no", read_only=True)
    item = serializers.IntegerField(source="order_line.item_id", read_only=True, allow_null=True)
    item_number = serializers.CharField(source="order_line.item.number", read_only=True, allow_null=True)
    unit = serializers.CharField(source="order_line.unit", read_only=True)

    class Meta:
        model = PackingSlipLine
        fields = [
            "id",
            "order_line",
            "line_no",
            "item",
            "item_number",
            "quantity",
            "unit",
            "disposition",
            "qty_invoiced",
        ]
        read_only_fields = fields


class PackingSlipSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    customer = serializers.IntegerField(source="order.customer_id", read_only=True)
    customer_name = serializers.CharField(source="order.customer.party.name", read_only=True)
    lines = PackingSlipLineSerializer(many=True, read_only=True)
    return_receipt = serializers.BooleanField(
        source="is_return_receipt", read_only=True, help_text="A returned order's slip: goods taken back."
    )

    class Meta:
        model = PackingSlip
        fields = [
            "id",
            "number",
            "return_receipt",
            "order",
            "order_number",
            "customer",
            "customer_name",
            "state",
            "ship_date",
            "posted_at",
            "canceled_at",
            "cancel_reason",
            "lines",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class PackingSlipLineInputSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(help_text="Id of a line of the order.")
    quantity = quantity_field()
    disposition = serializers.ChoiceField(
        choices=ReturnDisposition.choices,
        required=False,
        help_text="Return receipts only (a returned order's slip): what happens to the goods; default back_to_stock.",
    )


class PackingSlipInputSerializer(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(queryset=SalesOrder.objects.all())
    ship_date = serializers.DateField(required=False)
    lines = PackingSlipLineInputSerializer(
        many=True, required=False, help_text="Quantities to ship; leave out to ship every remainder."
    )

    def validate_lines(self, lines):
        return unique_lines(lines)


class PackingSlipCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the delivery is undone (kept on the slip).")


class ShippingNoticeInputSerializer(serializers.Serializer):
    to = serializers.EmailField(required=False, allow_blank=True, help_text="Default: the customer's email address.")


class ShippingNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    packing_slip = serializers.IntegerField(source="packing_slip_id")
    to = serializers.EmailField()
    status = serializers.CharField(help_text="queued, sent or failed")
    queued_at = serializers.DateTimeField()
