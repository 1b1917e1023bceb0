"""Shapes of the lead resource. Output serializers are read-only; input serializers check the
shape only — the services judge the content."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from marketing.choices import LeadSource
from marketing.models import Campaign, Lead, OpportunityStage, Party


class LeadSerializer(serializers.ModelSerializer):
    campaign_number = serializers.CharField(source="campaign.number", read_only=True, allow_null=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    display_name = serializers.CharField(read_only=True)
    opportunities = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Opportunities made from the lead (by converting it)."
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "number",
            "state",
            "display_name",
            "company_name",
            "contact_name",
            "email",
            "phone",
            "postcode",
            "city",
            "country",
            "source",
            "campaign",
            "campaign_number",
            "party",
            "owner",
            "owner_username",
            "notes",
            "qualified_at",
            "converted_at",
            "disqualified_at",
            "disqualify_reason",
            "opportunities",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


def active_users():
    return get_user_model().objects.filter(is_active=True)


class LeadInputSerializer(serializers.Serializer):
    company_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    country = serializers.CharField(required=False, allow_blank=True, help_text="ISO 3166 code, e.g. NL")
    source = serializers.ChoiceField(choices=LeadSource.choices, required=False)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=active_users(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class LeadConvertInputSerializer(serializers.Serializer):
    party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        help_text="An existing party to use; without it the lead's own party, else a new prospect from its data.",
    )
    allow_duplicate_party = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Create the new prospect even though parties with the same email or name and postcode exist.",
    )
    opportunity_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    expected_revenue = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, default=0)
    stage = serializers.PrimaryKeyRelatedField(
        queryset=OpportunityStage.objects.all(), required=False, allow_null=True, help_text="Default: the first stage."
    )
    expected_close_date = serializers.DateField(required=False, allow_null=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)


class LeadImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV, UTF-8, separated by ; or , with a header row naming the columns: company, contact, email, "
        "phone, postcode, city, country, source, campaign (campaign number), owner (user name), notes."
    )
    default_source = serializers.ChoiceField(choices=LeadSource.choices, required=False, default=LeadSource.IMPORT)
