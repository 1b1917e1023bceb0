"""Exchange rates as the API shows and accepts them."""

from rest_framework import serializers

from invoicing.models import ExchangeRate
from invoicing.models.exchange_rates import RATE_DIGITS, RATE_PLACES
from salesapp.choices import Currency


def rate_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, coerce_to_string=True, **kwargs)


class ExchangeRateSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rate = rate_field(read_only=True)

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "valid_from", "rate", "created_by", "created_at", "updated_at", "version"]
        read_only_fields = fields


class ExchangeRateInputSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices)
    valid_from = serializers.DateField(help_text="The first day the rate is valid.")
    rate = rate_field(help_text="What one unit of the currency is worth in the company currency.")


class ExchangeRateUpdateInputSerializer(serializers.Serializer):
    rate = rate_field(help_text="What one unit of the currency is worth in the company currency.")


class ExchangeRateOnSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices)
    date = serializers.DateField(required=False, help_text="Defaults to today.")


class ExchangeRateOnResponseSerializer(serializers.Serializer):
    currency = serializers.CharField()
    date = serializers.DateField()
    rate = rate_field()


class ExchangeRateImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV, UTF-8, separated by ; or , with a header row naming the columns currency, date "
        "(2030-01-31, the first day the rate is valid) and rate (company currency per unit)."
    )
