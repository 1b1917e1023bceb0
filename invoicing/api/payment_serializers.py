"""Payments as the API shows and accepts them."""

from rest_framework import serializers

from invoicing.api.invoice_serializers import money_field
from invoicing.choices import PaymentDirection, PaymentMethod
from invoicing.models import Invoice, Payment, PaymentApplication
from salesapp.api.document_serializers import CustomerDocumentSerializer
from salesapp.choices import Currency
from salesapp.models import Customer


class PaymentApplicationSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)
    amount = money_field(read_only=True, help_text="Signed like the document it settles: negative on a credit note.")

    class Meta:
        model = PaymentApplication
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "amount",
            "applied_at",
            "applied_by",
            "unapplied_at",
            "unapplied_by",
        ]
        read_only_fields = fields


class SetOffSerializer(serializers.ModelSerializer):
    credit_note_number = serializers.CharField(source="credit_note.number", read_only=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = PaymentApplication
        fields = [
            "id",
            "credit_note",
            "credit_note_number",
            "invoice",
            "invoice_number",
            "amount",
            "applied_at",
            "applied_by",
            "unapplied_at",
            "unapplied_by",
        ]
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
            "direction",
            "amount_applied",
            "amount_unapplied",
            "applications",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class PaymentApplicationInputSerializer(serializers.Serializer):
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    amount = money_field(
        required=False,
        allow_null=True,
        help_text="Positive, also for a credit note. Omitted or null: what the payment has left to apply, up to "
        "what the invoice has open (all that is open of a credit note taken into a receipt).",
    )


class PaymentInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"))
    amount = money_field()
    payment_date = serializers.DateField(required=False, help_text="Defaults to today.")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    direction = serializers.ChoiceField(
        choices=PaymentDirection.choices, required=False, help_text="`refund`: money paid back, settling credit notes."
    )
    currency = serializers.ChoiceField(
        choices=Currency.choices,
        required=False,
        help_text="Defaults to the customer's currency; a document is settled in its own currency.",
    )
    applications = PaymentApplicationInputSerializer(
        many=True,
        required=False,
        help_text="Open invoices and credit notes to settle; the rest stays on the customer's account.",
    )


class PaymentApplyInputSerializer(serializers.Serializer):
    applications = PaymentApplicationInputSerializer(many=True, allow_empty=False)


class PaymentUnapplyInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="Id of one of the payment's applications.")


class ProposedApplicationSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice.pk")
    invoice_number = serializers.CharField(source="invoice.number")
    due_date = serializers.DateField(source="invoice.due_date")
    amount_open = money_field(source="invoice.amount_open")
    amount = money_field()


class SetOffInputSerializer(serializers.Serializer):
    credit_note = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    applications = PaymentApplicationInputSerializer(many=True, allow_empty=False)
