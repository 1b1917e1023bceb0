"""API for payments: register one and apply it to open invoices and credit notes, take an application back,
ask for a proposal; set-offs of credit notes against invoices."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from core.errors import ValidationFailed
from invoicing.api.payment_serializers import (
    PaymentApplyInputSerializer,
    PaymentInputSerializer,
    PaymentSerializer,
    PaymentUnapplyInputSerializer,
    ProposedApplicationSerializer,
    SetOffInputSerializer,
    SetOffSerializer,
)
from invoicing.choices import PaymentDirection, PaymentMethod
from invoicing.errors import ErrorCode
from invoicing.models import Payment, PaymentApplication
from invoicing.selectors.payments import payment_list, payment_proposal
from invoicing.services.payments import (
    ApplicationInput,
    credit_note_set_off,
    payment_application_unapply,
    payment_apply,
    payment_register,
)


class PaymentFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id")
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    direction = django_filters.ChoiceFilter(choices=PaymentDirection.choices)
    number = django_filters.CharFilter(lookup_expr="iexact")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Payment
        fields = ["customer", "method", "direction", "number"]


class PaymentViewSet(ServiceViewSet):
    """Money received from a customer, optionally applied to open invoices at once."""

    serializer_class = PaymentSerializer
    input_serializers = {
        "create": PaymentInputSerializer,
        "apply": PaymentApplyInputSerializer,
        "unapply": PaymentUnapplyInputSerializer,
    }
    # Taking money off a document changes the payment: billing's change permission, not just "add".
    change_actions = ("unapply",)
    filterset_class = PaymentFilter
    search_fields = ["number", "reference", "customer__party__name"]

    def get_queryset(self):
        return payment_list().prefetch_related(
            Prefetch("applications", queryset=PaymentApplication.objects.select_related("invoice"))
        )

    def create(self, request):
        data = self.validated_input()
        applications = [ApplicationInput(**application) for application in data.pop("applications", [])]
        payment = payment_register(applications=applications, by=request.user, **data)
        return self.respond(payment, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=PaymentApplyInputSerializer,
        responses=PaymentSerializer,
        summary="Apply what is left of a payment to open invoices and credit notes",
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        data = self.validated_input()
        applications = [ApplicationInput(**application) for application in data["applications"]]
        return self.respond(payment_apply(payment=self.get_object(), applications=applications, by=request.user))

    @extend_schema(
        request=PaymentUnapplyInputSerializer,
        responses=PaymentSerializer,
        summary="Take an application back: the document is open again, the money back on account (kept on record)",
    )
    @action(detail=True, methods=["post"])
    def unapply(self, request, pk=None):
        payment = self.get_object()
        application = _application_of(payment.applications.all(), self.validated_input()["application"])
        payment_application_unapply(application=application, by=request.user)
        return self.respond(payment)

    @extend_schema(
        request=None,
        responses=ProposedApplicationSerializer(many=True),
        summary="Propose applications for the unapplied amount: invoices named in the reference first, then "
        "oldest due first",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def proposal(self, request, pk=None):
        proposal = payment_proposal(payment=self.get_object())
        return Response(ProposedApplicationSerializer(proposal, many=True).data)


def _application_of(applications, application_id: int) -> PaymentApplication:
    application = applications.filter(pk=application_id).first()
    if application is None:
        raise ValidationFailed(
            code=ErrorCode.APPLICATION_NOT_UNAPPLIABLE,
            field_errors={"application": gettext("No application %(id)s on this payment.") % {"id": application_id}},
        )
    return application


class SetOffViewSet(ServiceViewSet):
    """A credit note set off against invoices of the same customer: no money moves."""

    serializer_class = SetOffSerializer
    input_serializers = {"create": SetOffInputSerializer}
    change_actions = ("unapply",)
    filterset_fields = ["credit_note", "invoice"]

    def get_queryset(self):
        return PaymentApplication.objects.filter(credit_note__isnull=False).select_related("credit_note", "invoice")

    @extend_schema(request=SetOffInputSerializer, responses=SetOffSerializer(many=True))
    def create(self, request):
        data = self.validated_input()
        credit_note = data["credit_note"]
        applications = [ApplicationInput(**application) for application in data["applications"]]
        before = set(self.get_queryset().filter(credit_note=credit_note).values_list("pk", flat=True))
        credit_note_set_off(credit_note=credit_note, applications=applications, by=request.user)
        made = self.get_queryset().filter(credit_note=credit_note).exclude(pk__in=before).order_by("pk")
        return Response(SetOffSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SetOffSerializer, summary="Take a set-off back (kept on record)")
    @action(detail=True, methods=["post"])
    def unapply(self, request, pk=None):
        return self.respond(payment_application_unapply(application=self.get_object(), by=request.user))


def register(router, extra_urlpatterns: list) -> None:
    router.register("payments", PaymentViewSet, basename="payment")
    router.register("set-offs", SetOffViewSet, basename="set-off")
