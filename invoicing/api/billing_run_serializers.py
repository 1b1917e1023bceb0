"""Billing runs as the API shows and accepts them."""

from rest_framework import serializers

from core.dates import FIRST_DATE, LAST_DATE
from invoicing.api.invoice_serializers import money_field
from invoicing.models import BillingRun, BillingRunResult


class BillingRunResultSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    customer_name = serializers.CharField(source="order.customer.party.name", read_only=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True, default=None)

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
        ]
        read_only_fields = fields


class BillingRunDetailSerializer(BillingRunSerializer):
    results = BillingRunResultSerializer(
        many=True, read_only=True, help_text="Per period: the invoice made, or the reason it was not billed."
    )

    class Meta(BillingRunSerializer.Meta):
        fields = [*BillingRunSerializer.Meta.fields, "results"]
        read_only_fields = fields


class BillingRunInputSerializer(serializers.Serializer):
    bill_until = serializers.DateField(
        help_text=f"Bill every subscription period starting on or before this date. Between {FIRST_DATE.isoformat()} "
        f"and {LAST_DATE.isoformat()}."
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
