"""Billing runs as the API shows and accepts them."""

from rest_framework import serializers

from core.dates import FIRST_DATE, LAST_DATE
from invoicing.api.invoice_serializers import money_field
from invoicing.choices import BillingRunKind, SummaryGrouping
from invoicing.models import BillingRun, BillingRunResult
from salesapp.models import Customer


class BillingRunResultSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True, default=None)
    customer_name = serializers.SerializerMethodField()
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True, default=None)
    invoice_state = serializers.CharField(source="invoice.state", read_only=True, allow_null=True, default=None)
    invoice_total = money_field(source="invoice.amount_total", allow_null=True, default=None)

    def get_customer_name(self, result) -> str:
        customer = result.customer if result.customer_id else result.order.customer
        return customer.party.name

    class Meta:
        model = BillingRunResult
        fields = [
            "id",
            "order",
            "order_number",
            "customer_name",
            "period_start",
            "invoice",
            "invoice_number",
            "refusal",
            "customer",
            "group_key",
            "invoice_state",
            "invoice_total",
            "posting_refusal",
        ]
        read_only_fields = fields


class BillingRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, help_text="Progress, 0–100; 100 once done or failed.")
    started_by = serializers.CharField(source="started_by.username", read_only=True)

    class Meta:
        model = BillingRun
        fields = [
            "id",
            "kind",
            "bill_until",
            "state",
            "total",
            "processed",
            "percent",
            "error",
            "started_by",
            "started_at",
            "finished_at",
            "slips_from",
            "grouping",
            "customers",
            "posting_state",
            "posting_total",
            "posting_processed",
        ]
        read_only_fields = fields


class BillingRunDetailSerializer(BillingRunSerializer):
    results = BillingRunResultSerializer(
        many=True, read_only=True, help_text="Per period: the invoice made, or the reason it was not billed."
    )

    class Meta(BillingRunSerializer.Meta):
        fields = [*BillingRunSerializer.Meta.fields, "results"]
        read_only_fields = fields


class SummaryRunInputSerializer(serializers.Serializer):
    """The choices of a packing-slip run (and of its preview)."""

    customers = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(),
        many=True,
        required=False,
        allow_null=True,
        default=None,
        help_text="The customers to invoice; left out or null: every customer.",
    )
    slips_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="First ship date of the slips; none: from the first."
    )
    slips_to = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Last ship date of the slips; none: today."
    )
    grouping = serializers.ChoiceField(
        choices=SummaryGrouping.choices,
        default=SummaryGrouping.CUSTOMER,
        help_text="How slips are grouped into invoices. `invoice_to` is refused: customers have no invoice-to "
        "party here.",
    )


class BillingRunInputSerializer(SummaryRunInputSerializer):
    kind = serializers.ChoiceField(
        choices=BillingRunKind.choices,
        default=BillingRunKind.SUBSCRIPTIONS,
        help_text="`subscriptions`: bill the periods due by `bill_until`. `packing_slips`: summary invoices for the "
        "posted packing slips of `customers` from `slips_from` to `slips_to`, grouped by `grouping`.",
    )
    bill_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=f"A subscription run: bill every period starting on or before this date. Between "
        f"{FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}.",
    )


class PeriodPreviewSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="order.pk")
    order_number = serializers.CharField(source="order.number")
    customer_name = serializers.CharField(source="order.customer.party.name")
    currency = serializers.CharField(source="order.currency")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount_net = money_field()
    amount_total = money_field()
    refusal = serializers.CharField(help_text="Why the run would not bill it; empty when it would.")


class BillingPreviewSerializer(serializers.Serializer):
    bill_until = serializers.DateField()
    due_count = serializers.IntegerField(help_text="Subscriptions due in all; `periods` lists the first 200 of them.")
    periods = PeriodPreviewSerializer(many=True)


class SummaryLinePreviewSerializer(serializers.Serializer):
    packing_slip = serializers.IntegerField(source="slip_line.packing_slip_id")
    packing_slip_line = serializers.IntegerField(source="slip_line.pk")
    order_number = serializers.CharField(source="order_line.order.number")
    item = serializers.CharField(source="order_line.item.number", allow_null=True, default=None)
    description = serializers.CharField(source="order_line.description")
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)
    unit_price = serializers.DecimalField(source="order_line.unit_price", max_digits=18, decimal_places=4)
    net_amount = money_field()


class SummaryGroupPreviewSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The group: one invoice per key.")
    customer = serializers.IntegerField(source="customer.pk")
    customer_number = serializers.CharField(source="customer.number")
    customer_name = serializers.CharField(source="customer.party.name")
    currency = serializers.CharField()
    amount_net = money_field()
    amount_tax = money_field(source="totals.tax")
    amount_total = money_field()
    orders = serializers.SerializerMethodField()
    packing_slips = serializers.SerializerMethodField()
    lines = SummaryLinePreviewSerializer(many=True)

    def get_orders(self, group) -> list[str]:
        return [order.number for order in group.orders]

    def get_packing_slips(self, group) -> list[str]:
        return [slip.number for slip in group.slips]


class LeftOutSlipSerializer(serializers.Serializer):
    packing_slip = serializers.IntegerField(source="slip.pk")
    packing_slip_number = serializers.CharField(source="slip.number")
    order_number = serializers.CharField(source="order.number")
    customer_number = serializers.CharField(source="order.customer.number")
    reason = serializers.CharField(help_text="Why the run leaves the slip out.")


class SummaryPreviewSerializer(serializers.Serializer):
    invoices = SummaryGroupPreviewSerializer(many=True, source="groups")
    left_out = LeftOutSlipSerializer(many=True)
    amount_total = money_field()
