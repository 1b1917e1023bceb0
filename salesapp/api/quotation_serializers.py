"""Quotations as the API shows and accepts them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import extensions
from core.money import MAX_QUANTITY, MAX_UNIT_PRICE
from marketing.models import Campaign, Opportunity, Party
from salesapp.api.document_serializers import (
    DocumentLineSerializer,
    confirm_price_input_field,
    line_description_input_field,
    line_item_input_field,
    line_type_input_field,
    quantity_field,
)
from salesapp.choices import QuotationLostReason, QuotationState
from salesapp.line_types import DESCRIPTION_LENGTH
from salesapp.models import (
    Customer,
    Item,
    Quotation,
    QuotationEmail,
    QuotationLine,
    QuotationRevision,
    QuotationRevisionLine,
)

PRICE_HELP = "Leave out to price the line with the pricing engine (the line's price_source says where it came from)."


class QuotationLineSerializer(DocumentLineSerializer):
    class Meta:
        model = QuotationLine
        fields = DocumentLineSerializer.FIELDS
        read_only_fields = fields


# The converter (core.extensions) of an invoice draft made directly from a quotation, registered by invoicing.
INVOICE_CONVERTER = "invoice"


def _converted_invoices(quotations) -> dict[int, object]:
    """The invoice drafts these quotations were accepted into, in one query (none when none is accepted
    without an order, or when invoicing is not installed)."""
    converter = extensions.quotation_converters.get(INVOICE_CONVERTER)
    direct = [q.pk for q in quotations if q.state == QuotationState.ACCEPTED and q.sales_order_id is None]
    if converter is None or converter.documents_of is None or not direct:
        return {}
    return converter.documents_of(direct)


class QuotationListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        quotations = list(data.all() if hasattr(data, "all") else data)
        self.child.context["converted_invoices"] = _converted_invoices(quotations)
        return super().to_representation(quotations)


class QuotationSerializer(serializers.ModelSerializer):
    lines = QuotationLineSerializer(many=True, read_only=True)
    customer_number = serializers.CharField(source="customer.number", read_only=True, allow_null=True)
    recipient_name = serializers.CharField(read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sales_order_number = serializers.CharField(source="sales_order.number", read_only=True, allow_null=True)
    invoice = serializers.SerializerMethodField(
        help_text="The invoice draft the quotation was accepted into (convert_to=invoice), else null."
    )
    invoice_number = serializers.SerializerMethodField(help_text="Its number once posted, else null.")
    invoice_url = serializers.SerializerMethodField(help_text="Path of the invoice's page, else null.")

    class Meta:
        model = Quotation
        list_serializer_class = QuotationListSerializer
        fields = [
            "id",
            "number",
            "customer",
            "customer_number",
            "party",
            "recipient_name",
            "state",
            "quotation_date",
            "valid_until",
            "currency",
            "requested_ship_date",
            "external_document_number",
            "terms",
            "owner",
            "opportunity",
            "campaign",
            "revision_count",
            "current_revision",
            "sent_at",
            "accepted_at",
            "accepted_revision",
            "lost_reason",
            "lost_note",
            "sales_order",
            "sales_order_number",
            "invoice",
            "invoice_number",
            "invoice_url",
            "amount_net",
            "amount_tax",
            "amount_total",
            "lines",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def _invoice(self, quotation):
        found = self.context.get("converted_invoices")
        if found is None:  # one quotation, not a list
            found = self.context["converted_invoices"] = _converted_invoices([quotation])
        return found.get(quotation.pk)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_invoice(self, quotation) -> int | None:
        invoice = self._invoice(quotation)
        return invoice.pk if invoice else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_invoice_number(self, quotation) -> str | None:
        invoice = self._invoice(quotation)
        return (invoice.number or None) if invoice else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_invoice_url(self, quotation) -> str | None:
        invoice = self._invoice(quotation)
        return extensions.quotation_converters[INVOICE_CONVERTER].url(invoice) if invoice else None


class QuotationRevisionLineSerializer(DocumentLineSerializer):
    class Meta:
        model = QuotationRevisionLine
        fields = DocumentLineSerializer.FIELDS
        read_only_fields = fields


class QuotationRevisionSerializer(serializers.ModelSerializer):
    lines = QuotationRevisionLineSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = QuotationRevision
        fields = [
            "number",
            "quotation_date",
            "valid_until",
            "currency",
            "requested_ship_date",
            "external_document_number",
            "terms",
            "amount_net",
            "amount_tax",
            "amount_total",
            "lines",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class QuotationLineInputSerializer(serializers.Serializer):
    line_type = line_type_input_field()
    item = line_item_input_field(Item.objects.select_related("tax_code"))
    quantity = quantity_field(max_value=MAX_QUANTITY)
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE, required=False, allow_null=True, help_text=PRICE_HELP
    )
    discount_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, help_text=PRICE_HELP
    )
    description = line_description_input_field(required=False, default="")
    confirm_price = confirm_price_input_field()


class QuotationLineUpdateInputSerializer(serializers.Serializer):
    """Fields left out stay as they are; a null unit price or discount asks the pricing engine again."""

    quantity = quantity_field(max_value=MAX_QUANTITY, required=False)
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE, required=False, allow_null=True
    )
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    description = serializers.CharField(max_length=DESCRIPTION_LENGTH, required=False, allow_blank=True)
    confirm_price = confirm_price_input_field()


class QuotationInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.select_related("party"), required=False, allow_null=True, help_text="Or party."
    )
    party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        help_text="A prospect without a customer account (or customer, one of the two).",
    )
    valid_until = serializers.DateField(required=False, allow_null=True, help_text="Default: today + the setting.")
    requested_ship_date = serializers.DateField(required=False, allow_null=True)
    external_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    terms = serializers.CharField(required=False, allow_blank=True)
    opportunity = serializers.PrimaryKeyRelatedField(
        queryset=Opportunity.objects.select_related("campaign"), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    lines = QuotationLineInputSerializer(many=True, required=False, default=list)


class QuotationUpdateInputSerializer(serializers.Serializer):
    """The header of a draft; fields left out stay as they are."""

    valid_until = serializers.DateField(required=False)
    requested_ship_date = serializers.DateField(required=False, allow_null=True)
    external_document_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    terms = serializers.CharField(required=False, allow_blank=True)


class QuotationAcceptInputSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, help_text="The revision the customer accepted (2 for r2).")
    # Any registered quotation converter (core.extensions); an unknown one is refused naming those available.
    convert_to = serializers.CharField(
        default="order",
        max_length=30,
        help_text="order: a sales order (default); invoice: an invoice draft without an order, for a quotation "
        "whose lines are all services (then listed at /api/v1/invoices/?quotation={id}).",
    )


class QuotationEmailInputSerializer(serializers.Serializer):
    to = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Default: the email of the customer's or prospect's party.",
    )


class QuotationEmailSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="queued, sent or failed")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = QuotationEmail
        fields = [
            "id",
            "quotation",
            "revision",
            "to",
            "status",
            "queued_at",
            "sent_at",
            "failed_at",
            "error",
            "created_by",
        ]
        read_only_fields = fields


class QuotationLoseInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=QuotationLostReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LineChangeSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    item = serializers.CharField()
    description = serializers.CharField()
    change = serializers.CharField(source="kind", help_text="added, removed, changed or same")
    changed = serializers.ListField(child=serializers.CharField())
    before = QuotationRevisionLineSerializer(allow_null=True)
    after = QuotationRevisionLineSerializer(allow_null=True)
    net_delta = serializers.DecimalField(max_digits=16, decimal_places=2)


class RevisionComparisonSerializer(serializers.Serializer):
    a = serializers.IntegerField(source="a.number")
    b = serializers.IntegerField(source="b.number")
    lines = LineChangeSerializer(many=True)
    net_delta = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_delta = serializers.DecimalField(max_digits=16, decimal_places=2)
