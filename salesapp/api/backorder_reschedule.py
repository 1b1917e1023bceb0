"""API for rescheduling backorders: new confirmed ship dates for chosen waiting lines, and the customers told."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.idempotency import IdempotentPost
from core.api.input import KnownFieldsOnly
from core.api.schema import ServiceAutoSchema
from salesapp.models import SalesOrderLine
from salesapp.services.backorders import MAX_LINES, backorders_reschedule


class RescheduleInputSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=MAX_LINES, help_text="Order line ids."
    )
    confirmed_ship_date = serializers.DateField(
        required=False, allow_null=True, help_text="The new confirmed ship date of every line; or use_atp."
    )
    use_atp = serializers.BooleanField(
        required=False, default=False, help_text="Give each line its own available-to-promise date."
    )


class RescheduledLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    order = serializers.CharField(source="order.number")
    line_no = serializers.IntegerField()
    confirmed_ship_date = serializers.DateField()


class UnpromisableSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shortfall = serializers.DecimalField(max_digits=15, decimal_places=3)
    text = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    customer = serializers.IntegerField(source="customer_id")
    to = serializers.EmailField()


class RescheduledSerializer(serializers.Serializer):
    changed = RescheduledLineSerializer(many=True)
    unpromisable = UnpromisableSerializer(many=True)
    notices = NoticeSerializer(many=True, help_text="One email per customer, sent by a job.")
    unreachable = serializers.ListField(
        child=serializers.IntegerField(), help_text="Customers without an email address: told on their timeline."
    )


class BackorderRescheduleView(IdempotentPost, KnownFieldsOnly, GenericAPIView):
    # Changing orders' ship dates: the service checks the right to change orders.
    permission_classes = [IsAuthenticated]
    schema = ServiceAutoSchema()
    serializer_class = RescheduledSerializer

    def get_queryset(self):
        return SalesOrderLine.objects.none()

    def input_serializer_for(self, action):
        return RescheduleInputSerializer

    @extend_schema(
        operation_id="backorders_reschedule",
        summary="Set new confirmed ship dates on waiting lines and notify each affected customer once",
        request=RescheduleInputSerializer,
        responses={200: RescheduledSerializer},
    )
    def post(self, request):
        given = RescheduleInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        result = backorders_reschedule(
            lines=data["lines"],
            confirmed_ship_date=data.get("confirmed_ship_date"),
            use_atp=data["use_atp"],
            by=request.user,
        )
        body = {
            "changed": result.changed,
            "unpromisable": [
                {"id": line.pk, "shortfall": promise.shortfall, "text": promise.text()}
                for line, promise in result.unpromisable
            ],
            "notices": result.notices,
            "unreachable": [customer.pk for customer in result.unreachable],
        }
        return Response(RescheduledSerializer(body).data)


def register(router, extra_urlpatterns: list) -> None:
    extra_urlpatterns.append(
        path("backorders/reschedule/", BackorderRescheduleView.as_view(), name="backorders-reschedule")
    )
