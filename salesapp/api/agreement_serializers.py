"""Sales agreements as the API shows and accepts them."""

from rest_framework import serializers

from core.money import MAX_AMOUNT, MAX_QUANTITY, MAX_UNIT_PRICE
from salesapp.api.document_serializers import CustomerDocumentSerializer, quantity_field
from salesapp.choices import CommitmentType, Currency
from salesapp.models import Customer, Item, SalesAgreement, SalesAgreementLine, SalesAgreementVersion
from salesapp.models.agreements import LINE_FIELDS_BY_COMMITMENT

LINE_HELP = (
    "Which fields a line carries follows from the agreement's commitment_type: "
    + "; ".join(f"{kind}: {', '.join(fields)}" for kind, fields in LINE_FIELDS_BY_COMMITMENT.items())
    + ". Under total_value, prices come from the price lists and the default discount applies. A field the type "
    "has no use for is refused."
)


def _amount(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, max_value=MAX_AMOUNT, **kwargs)


def _price(**kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE, **kwargs)


def _percent(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=2, **kwargs)


class SalesAgreementLineSerializer(serializers.ModelSerializer):
    item_number = serializers.CharField(source="item.number", read_only=True, allow_null=True)

    class Meta:
        model = SalesAgreementLine
        fields = [
            "id",
            "line_no",
            "item",
            "item_number",
            "committed_quantity",
            "committed_amount",
            "unit_price",
            "discount_percent",
        ]
        read_only_fields = fields


class SalesAgreementSerializer(CustomerDocumentSerializer):
    lines = SalesAgreementLineSerializer(many=True, read_only=True)

    class Meta:
        model = SalesAgreement
        fields = [
            "id",
            "number",
            "customer",
            "customer_number",
            "customer_name",
            "commitment_type",
            "state",
            "valid_from",
            "valid_to",
            "currency",
            "default_discount_percent",
            "description",
            "version_count",
            "activated_at",
            "closed_at",
            "lines",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class SalesAgreementVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SalesAgreementVersion
        fields = ["number", "created_by", "created_at", "changes", "snapshot"]
        read_only_fields = fields


class AgreementLineInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), required=False, allow_null=True)
    committed_quantity = quantity_field(max_value=MAX_QUANTITY, required=False, allow_null=True)
    committed_amount = _amount(required=False, allow_null=True)
    unit_price = _price(required=False, allow_null=True)
    discount_percent = _percent(
        required=False, allow_null=True, help_text="Leave out for the agreement's default discount."
    )


class AgreementLineUpdateInputSerializer(serializers.Serializer):
    """Fields left out stay as they are; null empties a field (a discount of null: the default discount)."""

    committed_quantity = quantity_field(max_value=MAX_QUANTITY, required=False, allow_null=True)
    committed_amount = _amount(required=False, allow_null=True)
    unit_price = _price(required=False, allow_null=True)
    discount_percent = _percent(required=False, allow_null=True)


class SalesAgreementInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"))
    commitment_type = serializers.ChoiceField(choices=CommitmentType.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    currency = serializers.ChoiceField(choices=Currency.choices, required=False, help_text="Default: the customer's.")
    default_discount_percent = _percent(required=False, min_value=0, max_value=100)
    description = serializers.CharField(required=False, allow_blank=True)
    lines = AgreementLineInputSerializer(many=True, required=False, default=list, help_text=LINE_HELP)


class SalesAgreementUpdateInputSerializer(serializers.Serializer):
    """The header; fields left out stay as they are. Customer, commitment type and currency change only on hold;
    a change to an effective agreement is recorded as a new version."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.select_related("party"), required=False)
    commitment_type = serializers.ChoiceField(choices=CommitmentType.choices, required=False)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False)
    default_discount_percent = _percent(required=False, min_value=0, max_value=100)
    description = serializers.CharField(required=False, allow_blank=True)


class AgreementReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReleaseLineInputSerializer(serializers.Serializer):
    agreement_line = serializers.PrimaryKeyRelatedField(queryset=SalesAgreementLine.objects.select_related("item"))
    quantity = quantity_field(max_value=MAX_QUANTITY)
    item = serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.select_related("tax_code"),
        required=False,
        allow_null=True,
        help_text="Only for a total value commitment, whose lines name no item.",
    )


class AgreementReleaseInputSerializer(serializers.Serializer):
    requested_ship_date = serializers.DateField(help_text="Inside the agreement's validity.")
    customer_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lines = ReleaseLineInputSerializer(many=True)


class FulfilmentFiguresSerializer(serializers.Serializer):
    committed = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    released = serializers.DecimalField(max_digits=18, decimal_places=3)
    delivered = serializers.DecimalField(max_digits=18, decimal_places=3)
    invoiced = serializers.DecimalField(max_digits=18, decimal_places=3)
    remaining = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    met = serializers.BooleanField()


class LineFulfilmentSerializer(FulfilmentFiguresSerializer):
    agreement_line = serializers.IntegerField(source="line.pk")
    line_no = serializers.IntegerField(source="line.line_no")
    item_number = serializers.CharField(source="line.item.number", allow_null=True, default=None)


class FulfilmentSerializer(serializers.Serializer):
    measure = serializers.SerializerMethodField(help_text="quantity or amount (net, in the agreement's currency)")
    lines = LineFulfilmentSerializer(many=True)
    total = FulfilmentFiguresSerializer()
    met = serializers.BooleanField()

    def get_measure(self, fulfilment) -> str:
        return "amount" if fulfilment.by_amount else "quantity"
