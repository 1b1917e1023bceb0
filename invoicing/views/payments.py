"""Payment pages: the list, registering and applying a payment, the payment page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError, ValidationFailed
from core.listing import Column, list_response
from core.web import permission, query_pk
from invoicing.forms.payments import PaymentFilterForm, PaymentForm
from invoicing.models import Payment
from invoicing.selectors import invoices as invoice_selectors
from invoicing.selectors import payments as payment_selectors

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
    applications = payment.applications.select_related("invoice").order_by("applied_at", "pk")
    return render(request, "invoicing/payment_detail.html", {"payment": payment, "applications": applications})


def _payment_initial(request) -> dict:
    invoice_pk, customer_pk = query_pk(request, "invoice"), query_pk(request, "customer")
    if invoice_pk:
        invoice = invoice_selectors.invoice_list_open().filter(pk=invoice_pk).first()
        if invoice is None:
            raise Http404(_("No open posted invoice with this id."))
        # The amount to apply stays empty: whatever amount the clerk registers is applied, up to what is open.
        return {"customer": invoice.customer_id, "invoice": invoice.pk, "amount": invoice.amount_open}
    return {"customer": int(customer_pk)} if customer_pk else {}


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
