"""Invoices as the API shows them, and what invoicing an order or posting accepts."""

from rest_framework import serializers

from core.api.fields import (
    FIELD_MAPPING,
    AnnotatedCharField,
    AnnotatedSlugRelatedField,
    ColumnDecimalField,
    ColumnReadMixin,
)
from core.money import MAX_QUANTITY
from invoicing.choices import ORDER_BASIS_CHOICES
from invoicing.models import Invoice, InvoiceLine, InvoiceTax
from salesapp.api.document_serializers import (
    CustomerDocumentSerializer,
    DocumentLineSerializer,
    quantity_field,
    unique_lines,
)
from salesapp.api.order_serializers import OrderReturnInputSerializer
from salesapp.models import PackingSlip


def money_field(**kwargs) -> serializers.DecimalField:
    return ColumnDecimalField(max_digits=16, decimal_places=2, **kwargs)


class InvoiceLineSerializer(DocumentLineSerializer):
    class Meta:
        model = InvoiceLine
        fields = [*DocumentLineSerializer.FIELDS, "order_line", "packing_slip_line", "credited_line"]
        read_only_fields = fields


class InvoiceTaxSerializer(ColumnReadMixin, serializers.ModelSerializer):
    serializer_field_mapping = FIELD_MAPPING
    tax_code = AnnotatedSlugRelatedField(annotation="tax_code_code", slug_field="code", read_only=True)

    class Meta:
        model = InvoiceTax
        fields = ["tax_code", "rate", "base", "amount"]
        read_only_fields = fields


class InvoiceSerializer(CustomerDocumentSerializer):
    order_number = AnnotatedCharField(annotation="order_number", source="order.number", read_only=True, allow_null=True)
    amount_open = money_field(read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    taxes = InvoiceTaxSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "customer",
            "customer_number",
            "customer_name",
            "order",
            "order_number",
            "quotation",
            "basis",
            "kind",
            "state",
            "payment_state",
            "invoice_date",
            "due_date",
            "currency",
            "posted_at",
            "amount_net",
            "amount_tax",
            "amount_total",
            "amount_paid",
            "amount_open",
            "lines",
            "taxes",
            "created_at",
            "updated_at",
            "version",
            "credited_invoice",
            "credit_kind",
            "credit_reason",
            "corrects",
        ]
        read_only_fields = fields


class InvoicePostInputSerializer(serializers.Serializer):
    invoice_date = serializers.DateField(required=False, help_text="Defaults to today.")


class OrderInvoiceInputSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(
        choices=ORDER_BASIS_CHOICES,
        help_text="order: everything left, undelivered quantity is delivered when posted; "
        "packing_slips: what posted packing slips delivered and no invoice billed yet.",
    )
    packing_slips = serializers.PrimaryKeyRelatedField(
        queryset=PackingSlip.objects.all(),
        many=True,
        required=False,
        help_text="With basis packing_slips: bill only these slips (default: all posted slips).",
    )


class InvoiceReturnLineInputSerializer(serializers.Serializer):
    invoice_line = serializers.IntegerField(help_text="Id of a line of the invoice (a delivered item it billed).")
    quantity = quantity_field(max_value=MAX_QUANTITY)


class InvoiceReturnInputSerializer(OrderReturnInputSerializer):
    """A return against an invoice: as against its order, with the invoice's lines named."""

    lines = InvoiceReturnLineInputSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        return unique_lines(lines, key="invoice_line")
