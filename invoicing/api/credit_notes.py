"""API actions on a posted invoice: a value-only credit note, cancel and correct (mixed into the invoice
resource, ``POST invoices/{id}/credit-note/ | cancel/ | correct/``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from core.api.input import errors_by_request_index
from core.errors import ValidationFailed
from invoicing.api.invoice_serializers import InvoiceSerializer, money_field
from invoicing.services.credit_notes import credit_note_create, invoice_cancel, invoice_correct
from salesapp.api.document_serializers import quantity_field, unique_lines


class CreditNoteLineInputSerializer(serializers.Serializer):
    invoice_line = serializers.IntegerField(help_text="Id of a line of the invoice.")
    amount = money_field(required=False, min_value=0, help_text="Net amount to credit on the line.")
    quantity = quantity_field(required=False, help_text="With unit_price, instead of amount: quantity × price.")
    unit_price = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, min_value=0)

    def validate(self, data):
        has_amount = "amount" in data
        has_price = "quantity" in data or "unit_price" in data
        if has_amount == has_price:
            raise serializers.ValidationError({"amount": "Give either amount, or quantity and unit_price."})
        if has_price and not ("quantity" in data and "unit_price" in data):
            missing = "quantity" if "quantity" not in data else "unit_price"
            raise serializers.ValidationError({missing: "Give quantity and unit_price together."})
        return data


class CreditNoteInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the invoice is credited (price correction …).")
    lines = CreditNoteLineInputSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        return unique_lines(lines, key="invoice_line")


class InvoiceCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


CREDIT_INPUT_SERIALIZERS = {
    "credit_note": CreditNoteInputSerializer,
    "cancel": InvoiceCancelInputSerializer,
    "correct": InvoiceCancelInputSerializer,
}
CREDIT_CHANGE_ACTIONS = tuple(CREDIT_INPUT_SERIALIZERS)


class InvoiceCreditActions:
    """The invoice viewset's credit note, cancel and correct actions: each validates its input, calls one
    service with ``by=request.user`` and answers with the document it made or changed."""

    @extend_schema(
        request=CreditNoteInputSerializer,
        responses={201: InvoiceSerializer},
        summary="Make a draft value-only credit note for amounts of a posted invoice's lines",
        description=(
            "Per line an `amount`, or a `quantity` and `unit_price`; order quantities are not touched. Refused "
            "(400, `credit-exceeds-remainder`) for more than remains uncredited on a line, naming the line's index "
            "in the request (`lines[0].amount`) and what remains. Post the draft with `POST invoices/{id}/post/`."
        ),
    )
    @action(detail=True, methods=["post"], url_path="credit-note", url_name="credit-note")
    def credit_note(self, request, pk=None):
        invoice = self.get_object()
        data = self.validated_input()
        line_ids = [line["invoice_line"] for line in data["lines"]]
        lines = {
            line["invoice_line"]: (line["amount"] if "amount" in line else (line["quantity"], line["unit_price"]))
            for line in data["lines"]
        }
        try:
            note = credit_note_create(invoice=invoice, lines=lines, reason=data["reason"], by=request.user)
        except ValidationFailed as exc:
            raise errors_by_request_index(exc, line_ids, id_field="invoice_line") from exc
        return self.respond(note, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=InvoiceCancelInputSerializer,
        responses={200: InvoiceSerializer},
        summary="Cancel an unpaid posted invoice: a full credit note is posted today and the order can be "
        "invoiced again",
        description="Refused (409, `invoice-not-cancelable`) for a paid or partly paid invoice (use a credit note "
        "and a refund), a credit note, a draft or a canceled invoice. Answers with the canceled invoice.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        invoice = invoice_cancel(invoice=self.get_object(), by=request.user, **self.validated_input())
        return self.respond(invoice)

    @extend_schema(
        request=InvoiceCancelInputSerializer,
        responses={201: InvoiceSerializer},
        summary="Correct an unpaid posted invoice: cancel it and answer with a new draft copy to edit",
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        draft = invoice_correct(invoice=self.get_object(), by=request.user, **self.validated_input())
        return self.respond(draft, status_code=status.HTTP_201_CREATED)
