"""Free text invoices as the API shows them, and what creating one or changing a draft accepts."""

from rest_framework import serializers

from core.api.fields import AnnotatedCharField
from core.money import MAX_QUANTITY, MAX_UNIT_PRICE
from invoicing.api.invoice_serializers import InvoiceLineSerializer, InvoiceSerializer
from invoicing.models import InvoiceLine, LedgerAccount
from invoicing.services.free_text_invoices import DESCRIPTION_LENGTH, MAX_TERMS_DAYS, REFERENCE_LENGTH
from salesapp.api.document_serializers import quantity_field
from salesapp.choices import Currency
from salesapp.models import Customer, Item, TaxCode


class FreeTextInvoiceLineSerializer(InvoiceLineSerializer):
    revenue_account_number = AnnotatedCharField(
        annotation="revenue_account_number", source="revenue_account.number", read_only=True
    )

    class Meta(InvoiceLineSerializer.Meta):
        model = InvoiceLine
        fields = [*InvoiceLineSerializer.Meta.fields, "revenue_account", "revenue_account_number"]
        read_only_fields = fields


class FreeTextInvoiceSerializer(InvoiceSerializer):
    payment_terms_days = serializers.IntegerField(source="terms_days", read_only=True)
    lines = FreeTextInvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "payment_terms_days", "customer_reference"]
        read_only_fields = fields


class FreeTextLineInputSerializer(serializers.Serializer):
    """A line to add; changing a line takes the same fields, each optional (left out: as it is)."""

    revenue_account = serializers.PrimaryKeyRelatedField(
        queryset=LedgerAccount.objects.all(),
        help_text="A ledger account of kind revenue; another kind is refused (400, naming the field).",
    )
    description = serializers.CharField(max_length=DESCRIPTION_LENGTH, allow_blank=True)
    quantity = quantity_field(max_value=MAX_QUANTITY)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    tax_code = serializers.SlugRelatedField(
        slug_field="code",
        queryset=TaxCode.objects.all(),
        required=False,
        allow_null=True,
        help_text="Tax code (e.g. NL21). Left out with an item: the customer × item tax determination decides; "
        "without an item it is required.",
    )
    item = serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.select_related("tax_code"), required=False, allow_null=True
    )


class FreeTextInvoiceUpdateInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    payment_terms_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_TERMS_DAYS,
        help_text="The customer's terms when left out or null; other terms need the customer credit right (403).",
    )
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text="Left out or null: posting date + payment terms."
    )
    customer_reference = serializers.CharField(max_length=REFERENCE_LENGTH, required=False, allow_blank=True)


class FreeTextInvoiceInputSerializer(FreeTextInvoiceUpdateInputSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"))
    lines = FreeTextLineInputSerializer(many=True, allow_empty=True)
