"""Tax codes as the API shows them."""

from rest_framework import serializers

from salesapp.models import TaxCode


class TaxCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaxCode
        fields = ["id", "code", "name", "rate", "active", "created_at", "updated_at", "version"]
        read_only_fields = fields
