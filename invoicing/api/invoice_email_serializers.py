"""Invoice emails as the API accepts and shows them."""

from rest_framework import serializers


class InvoiceEmailInputSerializer(serializers.Serializer):
    to = serializers.EmailField(required=False, allow_blank=True, help_text="Default: the customer's email address.")


class InvoiceEmailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice = serializers.IntegerField(source="invoice_id")
    to = serializers.EmailField()
    status = serializers.CharField(help_text="queued, sent or failed")
    queued_at = serializers.DateTimeField()
