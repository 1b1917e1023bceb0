"""Sales orders as the API shows and accepts them."""

from rest_framework import serializers

from core.dates import FIRST_DATE, LAST_DATE
from core.money import MAX_QUANTITY, MAX_UNIT_PRICE
from marketing.models import Address, Campaign, Opportunity
from salesapp.api.document_serializers import (
    CustomerDocumentSerializer,
    DocumentLineSerializer,
    confirm_price_input_field,
    line_description_input_field,
    line_item_input_field,
    line_type_input_field,
    quantity_field,
    unique_lines,
)
from salesapp.choices import BillingPeriod, OrderType, ReturnDisposition
from salesapp.models import Customer, Item, OrderConfirmation, SalesOrder, SalesOrderLine, SubscriptionPeriod
from salesapp.order_types import POLICIES
from salesapp.services.approvals import COMMENT_MAX

ORDER_TYPE_HELP = (
    "One of "
    + ", ".join(f"`{value}`" for value in POLICIES)
    + ". A `returned_order`'s lines name the delivered line that comes back (`returned_line`); a `subscription` "
    "is billed by billing runs; `item_requirements` are invoiced through their project."
)
DATE_HELP = f"Between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}."


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
            "qty_reserved",
            "close_short_reason",
            "deliver_remainder",
            "invoice_remainder",
            "agreement_line",
            "returned_line",
        ]
        read_only_fields = fields


class SubscriptionPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubscriptionPeriod
        fields = ["id", "period_start", "period_end", "billed_at", "invoice_number"]
        read_only_fields = fields


class SalesOrderSerializer(CustomerDocumentSerializer):
    lines = SalesOrderLineSerializer(many=True, read_only=True)
    subscription_periods = SubscriptionPeriodSerializer(
        many=True, read_only=True, help_text="The periods of a subscription billed so far, oldest first."
    )

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
            "rma_number",
            "return_reason",
            "payment_terms_days",
            "delivery_address",
            "opportunity",
            "campaign",
            "agreement",
            "billing_period",
            "next_billing_date",
            "subscription_end_date",
            "subscription_periods",
            "confirmed_at",
            "canceled_at",
            "cancel_reason",
            "approval_requested_by",
            "approval_requested_at",
            "approval_reason",
            "on_hold",
            "hold_reason",
            "held_for_prepayment",
            "held_at",
            "amount_net",
            "amount_tax",
            "amount_total",
            "lines",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


# A subscription's billing terms as input; an order of another type takes none (400 naming the field).
def billing_period_input_field():
    return serializers.ChoiceField(
        choices=BillingPeriod.choices,
        required=False,
        allow_blank=True,
        help_text="Subscriptions only: how often a billing run invoices it. Default monthly.",
    )


def next_billing_date_input_field():
    return serializers.DateField(
        required=False,
        allow_null=True,
        help_text=f"Subscriptions only: the start of the first period to bill. {DATE_HELP} Default: the order date.",
    )


def subscription_end_date_input_field():
    return serializers.DateField(
        required=False,
        allow_null=True,
        help_text=f"Subscriptions only: no period starts after it; null: until canceled. {DATE_HELP} Not before "
        "the next billing date.",
    )


class SalesOrderLineInputSerializer(serializers.Serializer):
    line_type = line_type_input_field()
    item = line_item_input_field(Item.objects.select_related("tax_code"))
    quantity = quantity_field(max_value=MAX_QUANTITY)
    unit_price = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        max_value=MAX_UNIT_PRICE,
        required=False,
        allow_null=True,
        help_text="Leave out to take the price from the pricing engine (trade agreements, else the item's sales "
        "price); a price given makes the line 'manual' and needs the price override permission.",
    )
    discount_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out to take the discount from the pricing engine; a discount given makes the line 'manual' "
        "and needs the price override permission.",
    )
    description = line_description_input_field(required=False, default="")
    confirm_price = confirm_price_input_field()
    requested_ship_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=f"{DATE_HELP} Not before the order date."
    )
    returned_line = serializers.PrimaryKeyRelatedField(
        queryset=SalesOrderLine.objects.select_related("item", "tax_code", "order"),
        required=False,
        allow_null=True,
        default=None,
        help_text="On a returned order: id of the customer's order line that comes back. The line takes its item, "
        "price, discount and tax code (leave those out); no more than was delivered and is not already being "
        "returned.",
    )


class SalesOrderInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"))
    order_type = serializers.ChoiceField(choices=OrderType.choices, required=False, help_text=ORDER_TYPE_HELP)
    order_date = serializers.DateField(required=False, help_text=f"{DATE_HELP} Today when left out.")
    requested_ship_date = serializers.DateField(
        required=False, allow_null=True, help_text=f"{DATE_HELP} Not before the order date."
    )
    customer_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    external_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    return_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="On a returned order: why the goods come back."
    )
    payment_terms_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=365,
        help_text="The customer's terms when left out; other terms need the customer credit right (403 otherwise).",
    )
    delivery_address = serializers.PrimaryKeyRelatedField(
        queryset=Address.objects.all(),
        required=False,
        allow_null=True,
        help_text="One of the customer's delivery addresses; left out: its default.",
    )
    # Attribution (DESIGN.md §3): the opportunity the order was won with and the campaign it came from; the
    # campaign defaults to the opportunity's.
    opportunity = serializers.PrimaryKeyRelatedField(
        queryset=Opportunity.objects.select_related("campaign"), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    lines = SalesOrderLineInputSerializer(many=True, allow_empty=False)
    billing_period = billing_period_input_field()
    next_billing_date = next_billing_date_input_field()
    subscription_end_date = subscription_end_date_input_field()


class SalesOrderUpdateInputSerializer(serializers.Serializer):
    """The header of an open order; fields left out stay as they are."""

    order_type = serializers.ChoiceField(choices=OrderType.choices, required=False, help_text=ORDER_TYPE_HELP)
    requested_ship_date = serializers.DateField(
        required=False, allow_null=True, help_text=f"{DATE_HELP} Not before the order date; null clears it."
    )
    customer_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    external_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    payment_terms_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    delivery_address = serializers.PrimaryKeyRelatedField(
        queryset=Address.objects.all(), required=False, allow_null=True, help_text="null: the customer's default."
    )
    billing_period = billing_period_input_field()
    next_billing_date = next_billing_date_input_field()
    subscription_end_date = subscription_end_date_input_field()


class OrderCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OrderCloseRemainderInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the undelivered remainder is closed.")
    line = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of one line of the order to close; leave out to close every line's remainder.",
    )


class OrderLineShipDateInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Id of a line of the order that still has something to deliver.")
    confirmed_ship_date = serializers.DateField(
        allow_null=True, help_text=f"{DATE_HELP} Not before the order date; null withdraws the promise."
    )


class OrderConfirmationInputSerializer(serializers.Serializer):
    to = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text="Default: the email of the customer's party."
    )


class OrderConfirmationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="queued, sent or failed")
    revised = serializers.BooleanField(
        source="is_revised", read_only=True, help_text="True when the order changed since an earlier confirmation."
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OrderConfirmation
        fields = [
            "id",
            "order",
            "version",
            "revised",
            "to",
            "status",
            "queued_at",
            "sent_at",
            "failed_at",
            "error",
            "created_by",
        ]
        read_only_fields = fields


class OrderTypeChangeInputSerializer(serializers.Serializer):
    order_type = serializers.ChoiceField(choices=OrderType.choices, help_text=ORDER_TYPE_HELP)


class OrderDecisionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, default="", help_text="Required to reject."
    )


class OrderHoldInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Shown with every refusal while the order is held.")


class ReturnLineInputSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(help_text="Id of a delivered line of the order.")
    quantity = quantity_field(max_value=MAX_QUANTITY)


class OrderReturnInputSerializer(serializers.Serializer):
    return_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    lines = ReturnLineInputSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        return unique_lines(lines)


class ReceiveLineInputSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(help_text="Id of a line of the returned order.")
    quantity = quantity_field()
    disposition = serializers.ChoiceField(
        choices=ReturnDisposition.choices, required=False, help_text="Default: back_to_stock."
    )


class OrderReceiveInputSerializer(serializers.Serializer):
    receipt_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")
    lines = ReceiveLineInputSerializer(
        many=True, required=False, help_text="Quantities received; leave out to receive every remainder."
    )

    def validate_lines(self, lines):
        return unique_lines(lines)
