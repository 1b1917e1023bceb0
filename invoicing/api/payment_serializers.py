"""Payments as the API shows and accepts them."""

from rest_framework import serializers

from invoicing.api.invoice_serializers import money_field
from invoicing.choices import PaymentMethod
from invoicing.models import Invoice, Payment, PaymentApplication
from salesapp.api.document_serializers import CustomerDocumentSerializer
from salesapp.models import Customer


class PaymentApplicationSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)

    class Meta:
        model = PaymentApplication
        fields = ["id", "invoice", "invoice_number", "amount", "applied_at"]
        read_only_fields = fields


class PaymentSerializer(CustomerDocumentSerializer):
    amount_unapplied = money_field(read_only=True)
    applications = PaymentApplicationSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "number",
            "customer",
            "customer_number",
            "customer_name",
            "amount",
            "currency",
            "payment_date",
            "method",
            "reference",
            "amount_applied",
            "amount_unapplied",
            "applications",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PaymentApplicationInputSerializer(serializers.Serializer):
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    amount = money_field(
        required=False,
        allow_null=True,
        help_text="Omitted or null: what the payment has left to apply, up to what the invoice has open.",
    )


class PaymentInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"))
    amount = money_field()
    payment_date = serializers.DateField(required=False, help_text="Defaults to today.")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    applications = PaymentApplicationInputSerializer(
        many=True, required=False, help_text="Open invoices to settle; the rest stays on the customer's account."
    )
