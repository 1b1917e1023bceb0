from rest_framework import serializers

from core.money import ZERO
from marketing.models import Campaign, Opportunity, Party
from salesapp.choices import Currency, ItemType, OrderType
from salesapp.models import Customer, Item, PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine, TaxCode


def quantity_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=15, decimal_places=3, **kwargs)


# Customers


class CustomerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="party.name", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "number",
            "party",
            "name",
            "currency",
            "payment_terms_days",
            "credit_limit",
            "blocked",
            "blocked_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerUpdateInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    credit_limit = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    blocked = serializers.BooleanField(required=False)
    blocked_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CustomerCreateInputSerializer(CustomerUpdateInputSerializer):
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())


# Items


class ItemSerializer(serializers.ModelSerializer):
    tax_code = serializers.SlugRelatedField(slug_field="code", read_only=True)

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
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ItemInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    item_type = serializers.ChoiceField(choices=ItemType.choices, required=False)
    unit = serializers.CharField(max_length=10, required=False)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, required=False)
    tax_code = serializers.SlugRelatedField(
        slug_field="code", queryset=TaxCode.objects.filter(active=True), help_text="Tax code, e.g. NL21"
    )
    active = serializers.BooleanField(required=False)


# Sales orders


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
        "tax_code",
        "net_amount",
    ]
    item_number = serializers.CharField(source="item.number", read_only=True, allow_null=True)
    tax_code = serializers.SlugRelatedField(slug_field="code", read_only=True)


class SalesOrderLineSerializer(DocumentLineSerializer):
    deliver_remainder = quantity_field(read_only=True)
    invoice_remainder = quantity_field(read_only=True)

    class Meta:
        model = SalesOrderLine
        fields = [
            *DocumentLineSerializer.FIELDS,
            "requested_ship_date",
            "confirmed_ship_date",
            "qty_delivered",
            "qty_invoiced",
            "qty_returned",
            "qty_credited",
            "qty_closed_short",
            "deliver_remainder",
            "invoice_remainder",
        ]
        read_only_fields = fields


class CustomerDocumentSerializer(serializers.ModelSerializer):
    """A document made out to a customer shows the customer's number and name beside its id."""

    customer_number = serializers.CharField(source="customer.number", read_only=True)
    customer_name = serializers.CharField(source="customer.party.name", read_only=True)


class SalesOrderSerializer(CustomerDocumentSerializer):
    lines = SalesOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = SalesOrder
        fields = [
            "id",
            "number",
            "customer",
            "customer_number",
            "customer_name",
            "order_type",
            "state",
            "currency",
            "order_date",
            "requested_ship_date",
            "customer_reference",
            "external_document_number",
            "opportunity",
            "campaign",
            "confirmed_at",
            "canceled_at",
            "cancel_reason",
            "amount_net",
            "amount_tax",
            "amount_total",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SalesOrderLineInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.select_related("tax_code"))
    quantity = quantity_field()
    unit_price = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Leave out to use the item's sales price.",
    )
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=ZERO)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    requested_ship_date = serializers.DateField(required=False, allow_null=True, default=None)


class SalesOrderInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"))
    order_type = serializers.ChoiceField(choices=OrderType.choices, required=False)
    order_date = serializers.DateField(required=False)
    requested_ship_date = serializers.DateField(required=False, allow_null=True)
    customer_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    external_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    # Attribution (DESIGN.md §3): the opportunity the order was won with and the campaign it came from; the
    # campaign defaults to the opportunity's.
    opportunity = serializers.PrimaryKeyRelatedField(
        queryset=Opportunity.objects.select_related("campaign"), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    lines = SalesOrderLineInputSerializer(many=True, allow_empty=False)


class OrderCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# Packing slips


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
