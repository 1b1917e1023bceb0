"""Customer accounts as the API shows and accepts them."""

from rest_framework import serializers

from core.api.fields import ColumnReadMixin
from marketing.models import Party
from salesapp.choices import Currency
from salesapp.models import Customer


class CustomerSerializer(ColumnReadMixin, serializers.ModelSerializer):
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
            "approval_threshold",
            "prepayment_required",
            "blocked",
            "blocked_reason",
            "invoice_monthly",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class CustomerUpdateInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    credit_limit = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, help_text="0: no credit limit is checked."
    )
    approval_threshold = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Orders above this total wait for a sales manager's approval; null: the company's threshold.",
    )
    prepayment_required = serializers.BooleanField(
        required=False, help_text="Confirmed orders are held until a payment covers them."
    )
    blocked = serializers.BooleanField(required=False)
    blocked_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    invoice_monthly = serializers.BooleanField(
        required=False, help_text="A packing-slip billing run picks the customer by default (one invoice a month)."
    )


class CustomerCreateInputSerializer(CustomerUpdateInputSerializer):
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())
