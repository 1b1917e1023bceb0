from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ColumnReadMixin
from marketing.choices import AddressPurpose, Language, PartyKind, RelationshipStage
from marketing.models import Address, Contact, Party
from marketing.services.parties import PARTY_FIELDS


class ContactSerializer(ColumnReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "job_title", "email", "phone", "is_primary", "created_at", "updated_at", "version"]
        read_only_fields = fields


class AddressSerializer(ColumnReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "purpose",
            "name",
            "street",
            "postcode",
            "city",
            "country",
            "is_default",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class PartySerializer(ColumnReadMixin, serializers.ModelSerializer):
    customer = serializers.SerializerMethodField(help_text="Id of the party's customer account; null for a prospect.")
    stage = serializers.ChoiceField(
        choices=RelationshipStage.choices,
        read_only=True,
        help_text="customer with a customer account, else opportunity with an open opportunity, else lead with an "
        "open lead, else prospect.",
    )
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            *PARTY_FIELDS,
            "stage",
            "customer",
            "tags",
            "contacts",
            "addresses",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_customer(self, party: Party) -> int | None:
        # A prospect has no account: the reverse one-to-one raises, which getattr turns into None.
        customer = getattr(party, "customer", None)
        return customer.pk if customer else None


class ContactInputSerializer(serializers.Serializer):
    """Shape only: the party services check the content."""

    name = serializers.CharField(max_length=200)
    job_title = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="The person's role.")
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_primary = serializers.BooleanField(
        required=False, help_text="Make this the primary contact; the party's first contact is primary anyway."
    )


class AddressInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=AddressPurpose.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    country = serializers.CharField(help_text="ISO 3166 code, e.g. NL")
    is_default = serializers.BooleanField(
        required=False, help_text="Make this the default for its purpose; the first of a purpose is the default anyway."
    )


class PartyUpdateInputSerializer(serializers.Serializer):
    """Shape only: names, codes and duplicates are checked by the party services."""

    kind = serializers.ChoiceField(choices=PartyKind.choices, required=False)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-2 code, e.g. NL; nl is read as NL.")
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        allow_blank=True,
        help_text="Empty, or left out when creating: the country's language (nl for NL, sv for SE, en elsewhere).",
    )
    vat_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Tag names; replaces the party's tags. A name no tag has yet creates the tag.",
    )


class PartyInputSerializer(PartyUpdateInputSerializer):
    contacts = ContactInputSerializer(many=True, required=False)
    addresses = AddressInputSerializer(many=True, required=False)
    allow_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A party with the same email, or the same name and postcode, as an existing one is refused "
        "(code party-duplicate, naming the parties) unless this is true.",
    )


class PartyMergeInputSerializer(serializers.Serializer):
    remove = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(), help_text="Id of the party that is merged into this one and then deleted."
    )


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="activity, campaign_target, campaign_response, lead, opportunity, order, …")
    kind_label = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="Path of the page showing the entry; empty when there is none.")
    state = serializers.CharField()


class TimelinePageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField(help_text="True when older entries exist: ask for page + 1.")
    results = TimelineEntrySerializer(many=True, source="entries")
