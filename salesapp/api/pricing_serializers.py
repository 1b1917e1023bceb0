"""Trade agreements, price and tax groups, tax determination and the price look-up as the API shows them."""

from rest_framework import serializers

from core.money import MAX_QUANTITY, MAX_UNIT_PRICE
from salesapp.choices import AgreementAppliesTo, AgreementKind, Currency, PriceSource
from salesapp.models import (
    Customer,
    CustomerPriceGroup,
    CustomerTaxGroup,
    Item,
    ItemGroup,
    ItemTaxGroup,
    TaxCode,
    TaxDetermination,
    TradeAgreementLine,
)


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class GroupInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)


class TaxDeterminationInputSerializer(serializers.Serializer):
    customer_tax_group = serializers.SlugRelatedField(slug_field="code", queryset=CustomerTaxGroup.objects.all())
    item_tax_group = serializers.SlugRelatedField(slug_field="code", queryset=ItemTaxGroup.objects.all())
    tax_code = serializers.SlugRelatedField(slug_field="code", queryset=TaxCode.objects.all(), help_text="e.g. NL21")


class TaxDeterminationSerializer(serializers.ModelSerializer):
    customer_tax_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    item_tax_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tax_code = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TaxDetermination
        fields = ["id", "customer_tax_group", "item_tax_group", "tax_code", "updated_at", "version"]
        read_only_fields = fields


class TradeAgreementLineSerializer(serializers.ModelSerializer):
    price_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    item_group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TradeAgreementLine
        fields = [
            "id",
            "kind",
            "applies_to",
            "customer",
            "price_group",
            "item",
            "item_group",
            "currency",
            "unit",
            "from_quantity",
            "valid_from",
            "valid_to",
            "unit_price",
            "discount_percent",
            "active",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class TradeAgreementLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    applies_to = serializers.ChoiceField(choices=AgreementAppliesTo.choices)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="Customer id, for applies_to=customer.",
    )
    price_group = serializers.SlugRelatedField(
        slug_field="code",
        queryset=CustomerPriceGroup.objects.all(),
        required=False,
        allow_null=True,
        help_text="Price group code, for applies_to=price_group.",
    )
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), required=False, allow_null=True)
    item_group = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ItemGroup.objects.all(),
        required=False,
        allow_null=True,
        help_text="Item group code; discount lines only.",
    )
    currency = serializers.ChoiceField(choices=Currency.choices)
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True, help_text="Empty: any unit.")
    from_quantity = serializers.DecimalField(
        max_digits=15, decimal_places=3, min_value=0, max_value=MAX_QUANTITY, required=False
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=4, max_value=MAX_UNIT_PRICE, required=False, allow_null=True
    )
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    active = serializers.BooleanField(required=False)


class PriceLookupInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True, help_text="Leave out for a prospect."
    )
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.select_related("tax_code"))
    quantity = serializers.DecimalField(
        max_digits=15, decimal_places=3, min_value=0, max_value=MAX_QUANTITY, required=False, default=1
    )
    date = serializers.DateField(required=False, help_text="Today when left out.")
    currency = serializers.ChoiceField(
        choices=Currency.choices, required=False, help_text="The customer's currency (or EUR) when left out."
    )


class PriceSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    customer = serializers.IntegerField(allow_null=True)
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)
    currency = serializers.CharField()
    date = serializers.DateField()
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=4)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    source = serializers.ChoiceField(choices=PriceSource.choices)
    tax_code = serializers.CharField()
    net_amount = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="quantity × price − discount")
