from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketing.choices import ActivityType, CallOutcome
from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity, Party
from marketing.selectors.activities import activity_is_overdue, document_find


class DocumentLinkSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="app_label.model, e.g. salesapp.salesorder")
    id = serializers.IntegerField(min_value=1)

    def validate(self, data):
        document, wrong = document_find(document_type=data["type"], document_id=data["id"])
        if wrong == "type":
            raise serializers.ValidationError(
                {"type": gettext("Unknown document type '%(type)s'; use e.g. salesapp.salesorder.") % data}
            )
        if wrong == "id":
            raise serializers.ValidationError(
                {"id": gettext("No %(type)s with id %(id)s.") % {"type": data["type"], "id": data["id"]}}
            )
        return document


def _owner_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    kwargs.setdefault("help_text", "User id")
    return serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True), **kwargs)


class ActivitySerializer(serializers.ModelSerializer):
    document = serializers.SerializerMethodField(help_text="The sales or invoicing document it concerns.")
    is_overdue = serializers.SerializerMethodField(help_text="Open and past its due time.")

    class Meta:
        model = Activity
        fields = [
            "id",
            "activity_type",
            "subject",
            "notes",
            "due_at",
            "owner",
            "done",
            "done_at",
            "outcome",
            "is_overdue",
            "party",
            "lead",
            "opportunity",
            "campaign",
            "campaign_target",
            "document",
            "follow_up_of",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(DocumentLinkSerializer(allow_null=True))
    def get_document(self, activity: Activity) -> dict | None:
        if not activity.document_type_id:
            return None
        content_type = activity.document_type
        return {"type": f"{content_type.app_label}.{content_type.model}", "id": activity.document_id}

    def get_is_overdue(self, activity: Activity) -> bool:
        return activity_is_overdue(activity)


class ActivityUpdateInputSerializer(serializers.Serializer):
    """Shape only: subjects, types and whether the activity may still change are the services' to judge."""

    activity_type = serializers.ChoiceField(choices=ActivityType.choices, required=False)
    subject = serializers.CharField(max_length=200, required=False)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    owner = _owner_field(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class ActivityCreateInputSerializer(serializers.Serializer):
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    subject = serializers.CharField(max_length=200)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    owner = _owner_field(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    party = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False, allow_null=True)
    lead = serializers.PrimaryKeyRelatedField(queryset=Lead.objects.all(), required=False, allow_null=True)
    opportunity = serializers.PrimaryKeyRelatedField(
        queryset=Opportunity.objects.all(), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    campaign_target = serializers.PrimaryKeyRelatedField(
        queryset=CampaignTarget.objects.all(), required=False, allow_null=True
    )
    document = DocumentLinkSerializer(required=False, allow_null=True)
    done = serializers.BooleanField(required=False)
    outcome = serializers.ChoiceField(choices=CallOutcome.choices, required=False, allow_blank=True)


class NextActivityInputSerializer(serializers.Serializer):
    activity_type = serializers.ChoiceField(
        choices=ActivityType.choices, required=False, help_text="Defaults to the type of the completed activity."
    )
    subject = serializers.CharField(max_length=200)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    owner = _owner_field(required=False, help_text="User id; defaults to the owner of the completed activity.")
    notes = serializers.CharField(required=False, allow_blank=True)


class ActivityCompleteInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=CallOutcome.choices, required=False, allow_blank=True, help_text="Calls only."
    )
    notes = serializers.CharField(required=False, allow_blank=True, help_text="Added to the activity's notes.")
    next = NextActivityInputSerializer(
        required=False, allow_null=True, help_text="The follow-up to schedule, on the same party and documents."
    )


class ActivityCompletedSerializer(serializers.Serializer):
    activity = ActivitySerializer()
    follow_up = ActivitySerializer(allow_null=True)
