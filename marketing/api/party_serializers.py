from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketing.choices import Language, PartyKind
from marketing.models import Party
from marketing.services.parties import PARTY_FIELDS


class PartySerializer(serializers.ModelSerializer):
    customer = serializers.SerializerMethodField(help_text="Id of the party's customer account; null for a prospect.")

    class Meta:
        model = Party
        fields = ["id", *PARTY_FIELDS, "customer", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_customer(self, party: Party) -> int | None:
        # A prospect has no account: the reverse one-to-one raises, which getattr turns into None.
        customer = getattr(party, "customer", None)
        return customer.pk if customer else None


class PartyInputSerializer(serializers.Serializer):
    """Shape only: names, codes and duplicates are checked by the party services."""

    kind = serializers.ChoiceField(choices=PartyKind.choices, required=False)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(required=False, help_text="ISO 3166 code, e.g. NL")
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    vat_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
