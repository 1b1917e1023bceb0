"""What the available-to-promise look-up takes and answers."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import MAX_QUANTITY

# How many lines one look-up may ask about (an order's worth).
MAX_ATP_LINES = 100

ITEM_HELP = "The item's id, or its number."


class AtpLineInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40, help_text=ITEM_HELP)
    quantity = serializers.DecimalField(
        max_digits=15,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=MAX_QUANTITY,
    )


class AtpQueryInputSerializer(AtpLineInputSerializer):
    from_date = serializers.DateField(required=False, help_text="The first date to promise on; today when left out.")


class AtpBatchInputSerializer(serializers.Serializer):
    lines = AtpLineInputSerializer(
        many=True,
        min_length=1,
        max_length=MAX_ATP_LINES,
        error_messages={
            "max_length": _("At most {max_length} lines can be looked up at once."),
            "min_length": _("Give at least one line."),
        },
    )
    from_date = serializers.DateField(required=False, help_text="The first date to promise on; today when left out.")


class AtpSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    item_number = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)
    date = serializers.DateField(allow_null=True, help_text="The first date the quantity is available; null if none.")
    promisable = serializers.BooleanField()
    shortfall = serializers.DecimalField(
        max_digits=15, decimal_places=3, help_text="What no stock or known supply covers (0 when promisable)."
    )
    unstocked = serializers.BooleanField(help_text="A service or a product not held in stock: promisable at once.")
    text = serializers.CharField()


class AtpBatchSerializer(serializers.Serializer):
    lines = AtpSerializer(many=True)
