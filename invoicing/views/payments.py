"""Payment pages: the list, registering and applying a payment, the payment page, taking an application back,
setting a credit note off against invoices."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, ValidationFailed
from core.listing import Column, list_response
from core.web import permission, query_pk
from invoicing.choices import InvoiceKind, PaymentDirection
from invoicing.forms.payments import PaymentFilterForm, PaymentForm, SettleForm
from invoicing.models import Invoice, Payment, PaymentApplication
from invoicing.selectors import invoices as invoice_selectors
from invoicing.selectors import payments as payment_selectors
from invoicing.services import payments as payment_services

PAYMENT_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda payment: payment.number),
    Column("payment_date", gettext_lazy("Payment date"), lambda payment: payment.payment_date),
    Column("customer", gettext_lazy("Customer"), lambda payment: payment.customer.party.name),
    Column("customer_number", gettext_lazy("Customer number"), lambda payment: payment.customer.number, page=False),
    Column("method", gettext_lazy("Method"), lambda payment: payment.get_method_display()),
    Column("reference", gettext_lazy("Reference"), lambda payment: payment.reference),
    Column("currency", gettext_lazy("Currency"), lambda payment: payment.currency, page=False),
    Column("amount", gettext_lazy("Amount"), lambda payment: payment.amount, css="num"),
    Column("applied", gettext_lazy("Applied"), lambda payment: payment.amount_applied, css="num"),
    Column("unapplied", gettext_lazy("Unapplied"), lambda payment: payment.amount_unapplied, css="num"),
]


@permission("invoicing.view_payment")
def payment_list(request):
    filters = PaymentFilterForm(request.GET)
    payments = payment_selectors.payment_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=payments,
        columns=PAYMENT_COLUMNS,
        sorts=payment_selectors.PAYMENT_SORTS,
        template="invoicing/payment_list.html",
        filename="payments",
        form=filters,
        context={"filters": filters},
    )


@permission("invoicing.view_payment")
def payment_detail(request, pk: int):
    payment = get_object_or_404(Payment.objects.select_related("customer__party", "created_by"), pk=pk)
    applications = payment.applications.select_related("invoice", "applied_by", "unapplied_by").order_by(
        "applied_at", "pk"
    )
    return render(request, "invoicing/payment_detail.html", {"payment": payment, "applications": applications})


def _payment_initial(request) -> dict:
    invoice_pk, customer_pk = query_pk(request, "invoice"), query_pk(request, "customer")
    if invoice_pk:
        invoice = invoice_selectors.invoice_list_open().filter(pk=invoice_pk).first()
        if invoice is None:
            raise Http404(_("No open posted invoice with this id."))
        # The amount to apply stays empty: whatever amount the clerk registers is applied, up to what is open.
        return {"customer": invoice.customer_id, "invoice": invoice.pk, "amount": invoice.amount_open}
    initial = {"customer": int(customer_pk)} if customer_pk else {}
    if request.GET.get("direction") in PaymentDirection.values:
        initial["direction"] = request.GET["direction"]
    return initial


@permission("invoicing.add_payment")
def payment_create(request):
    form = PaymentForm(request.POST or None, initial=_payment_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            payment = form.save(by=request.user)
        except ValidationFailed as exc:
            # The service names application fields by position; this form has one invoice and one amount.
            for field, message in exc.field_errors.items():
                field = PaymentForm.SERVICE_FIELDS.get(field, field)
                form.add_error(field if field in form.fields else None, message)
            if not exc.field_errors:
                form.add_error(None, exc.reason)
        except DomainError as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, _("Payment %(number)s registered.") % {"number": payment.number})
            invoice = form.cleaned_data["invoice"]
            if invoice is not None:
                return redirect("invoicing:invoice_detail", pk=invoice.pk)
            return redirect("invoicing:payment_detail", pk=payment.pk)
    return render(request, "invoicing/payment_form.html", {"form": form})


@permission("invoicing.change_payment")
def payment_apply(request, pk: int):
    """Apply what is left of the payment: the form is pre-filled with the proposal, the clerk confirms."""
    payment = get_object_or_404(Payment.objects.select_related("customer__party"), pk=pk)
    proposal = payment_selectors.payment_proposal(payment=payment)
    kinds = (InvoiceKind.CREDIT_NOTE,) if payment.is_refund else (InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE)
    documents = payment_selectors.settle_candidates(
        customer_id=payment.customer_id, kinds=kinds, include=[p.invoice for p in proposal]
    )
    form = SettleForm(request.POST or None, documents=documents, proposed={p.invoice.pk: p.amount for p in proposal})
    if request.method == "POST" and form.is_valid():
        if not form.applications():
            form.add_error(None, _("Enter an amount for at least one document."))
        else:
            try:
                payment_services.payment_apply(payment=payment, applications=form.applications(), by=request.user)
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            except DomainError as exc:
                form.add_error(None, exc.reason)
            else:
                messages.success(request, _("Payment %(number)s applied.") % {"number": payment.number})
                return redirect("invoicing:payment_detail", pk=payment.pk)
    return render(request, "invoicing/payment_apply.html", {"payment": payment, "form": form, "proposal": proposal})


@permission("invoicing.change_invoice")
def credit_note_set_off(request, pk: int):
    """Set a credit note off against the customer's open invoices, pre-filled oldest due first."""
    credit_note = get_object_or_404(
        Invoice.objects.select_related("customer__party"), pk=pk, kind=InvoiceKind.CREDIT_NOTE
    )
    documents = payment_selectors.settle_candidates(customer_id=credit_note.customer_id, kinds=(InvoiceKind.INVOICE,))
    proposed, left = {}, abs(credit_note.amount_open)
    for document in documents:
        proposed[document.pk] = min(left, document.amount_open)
        left -= proposed[document.pk]
        if left <= 0:
            break
    proposed = {key: value for key, value in proposed.items() if value > 0}
    form = SettleForm(request.POST or None, documents=documents, proposed=proposed)
    if request.method == "POST" and form.is_valid():
        if not form.applications():
            form.add_error(None, _("Enter an amount for at least one document."))
        else:
            try:
                payment_services.credit_note_set_off(
                    credit_note=credit_note, applications=form.applications(), by=request.user
                )
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            except DomainError as exc:
                form.add_error(None, exc.reason)
            else:
                messages.success(request, _("Credit note %(number)s set off.") % {"number": credit_note.number})
                return redirect("invoicing:invoice_detail", pk=credit_note.pk)
    return render(request, "invoicing/credit_note_set_off.html", {"credit_note": credit_note, "form": form})


@require_POST
@permission("invoicing.change_paymentapplication")
def payment_application_unapply(request, pk: int):
    """Take an application back (kept on record); back to the payment, or the credit note of a set-off."""
    application = get_object_or_404(PaymentApplication, pk=pk)
    try:
        payment_services.payment_application_unapply(application=application, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Application taken back."))
    if application.payment_id:
        return redirect("invoicing:payment_detail", pk=application.payment_id)
    return redirect("invoicing:invoice_detail", pk=application.credit_note_id)
