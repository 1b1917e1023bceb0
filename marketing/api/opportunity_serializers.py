"""Shapes of the opportunity and stage resources. Output serializers are read-only; input serializers check the
shape only — the services judge the content."""

from rest_framework import serializers

from marketing.api.lead_serializers import active_users
from marketing.models import Campaign, Contact, Lead, Opportunity, OpportunityStage, Party


class OpportunitySerializer(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    weighted_revenue = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, help_text="Expected revenue × probability."
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "number",
            "name",
            "state",
            "party",
            "party_name",
            "contact",
            "stage",
            "stage_name",
            "expected_revenue",
            "probability",
            "weighted_revenue",
            "expected_close_date",
            "owner",
            "owner_username",
            "campaign",
            "lead",
            "description",
            "closed_at",
            "lost_reason",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class OpportunityUpdateInputSerializer(serializers.Serializer):
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    owner = serializers.PrimaryKeyRelatedField(queryset=active_users(), required=False, allow_null=True)
    expected_revenue = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    probability = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True, help_text="A contact person of the party."
    )
    description = serializers.CharField(required=False, allow_blank=True)


class OpportunityCreateInputSerializer(OpportunityUpdateInputSerializer):
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())
    name = serializers.CharField(allow_blank=True, max_length=300)
    stage = serializers.PrimaryKeyRelatedField(
        queryset=OpportunityStage.objects.all(), required=False, allow_null=True, help_text="Default: the first stage."
    )
    probability = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, help_text="Default: the stage's."
    )
    lead = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all(), required=False, allow_null=True)


class OpportunityStageInputSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=OpportunityStage.objects.all())


class OpportunityStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpportunityStage
        fields = ["id", "name", "sequence", "probability", "active"]
        read_only_fields = fields
