"""Free text invoice pages: create one, the draft page with its lines, and the PRO FORMA PDFs of drafts and orders."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, ValidationFailed
from core.pdf import pdf_response
from core.web import form_add_domain_error, page_actions, permission
from invoicing.choices import InvoiceBasis, InvoiceState
from invoicing.forms.free_text_invoices import FreeTextInvoiceCreateForm, FreeTextInvoiceHeaderForm, FreeTextLineForm
from invoicing.models import Invoice, InvoiceLine
from invoicing.pro_forma import invoice_pro_forma_pdf, order_pro_forma_pdf
from invoicing.services import free_text_invoices as services
from salesapp.models import SalesOrder


def _free_text_invoice(pk: int) -> Invoice:
    return get_object_or_404(Invoice.objects.select_related("customer__party"), pk=pk, basis=InvoiceBasis.FREE_TEXT)


@permission("invoicing.add_invoice")
def free_text_invoice_create(request):
    form = FreeTextInvoiceCreateForm(request.POST or None, initial={"customer": request.GET.get("customer")})
    if request.method == "POST" and form.is_valid():
        try:
            invoice = form.save(by=request.user)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Draft invoice #%(pk)s created: add its lines.") % {"pk": invoice.pk})
            return redirect("invoicing:free_text_invoice_edit", pk=invoice.pk)
    return render(request, "invoicing/free_text_invoice_create.html", {"form": form})


def _edit_page(request, pk: int, *, header_form=None, line_form=None, editing: int | None = None, status=200):
    invoice = _free_text_invoice(pk)
    if invoice.state != InvoiceState.DRAFT:
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    lines = list(invoice.lines.select_related("revenue_account", "tax_code", "item").order_by("line_no"))
    edited = next((line for line in lines if line.pk == editing), None)
    if line_form is None:
        line_form = FreeTextLineForm(prefix="line", initial=FreeTextLineForm.initial_for(edited) if edited else None)
    page = page_actions(invoice, user=request.user, url=lambda name: reverse(f"invoicing:invoice_{name}", args=[pk]))
    context = {
        "invoice": invoice,
        "lines": lines,
        "taxes": invoice.taxes.select_related("tax_code"),
        "editing": edited,
        "line_form": line_form,
        "header_form": header_form or FreeTextInvoiceHeaderForm(invoice=invoice, prefix="header"),
        "page": page,
    }
    return render(request, "invoicing/free_text_invoice_edit.html", context, status=status)


@permission("invoicing.change_invoice")
@require_GET
def free_text_invoice_edit(request, pk: int):
    editing = request.GET.get("line")
    return _edit_page(request, pk, editing=int(editing) if editing and editing.isdigit() else None)


def _run_form(request, pk: int, form, action, *, success: str, form_kwarg: str, editing: int | None = None):
    """Validate ``form``, run ``action`` with it; a refusal of the fields goes back on the form, any other
    refusal (a posted invoice) is a message."""
    if form.is_valid():
        try:
            action(form)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)
            return redirect("invoicing:invoice_detail", pk=pk)
        else:
            messages.success(request, success)
            return redirect(reverse("invoicing:free_text_invoice_edit", args=[pk]) + "#free-text-line-form")
    return _edit_page(request, pk, editing=editing, status=400, **{form_kwarg: form})


@permission("invoicing.change_invoice")
@require_POST
def free_text_invoice_header(request, pk: int):
    invoice = _free_text_invoice(pk)
    form = FreeTextInvoiceHeaderForm(request.POST, invoice=invoice, prefix="header")
    return _run_form(
        request,
        pk,
        form,
        lambda form: form.save(by=request.user),
        success=_("Invoice details saved."),
        form_kwarg="header_form",
    )


@permission("invoicing.change_invoice")
@require_POST
def free_text_invoice_line_add(request, pk: int):
    invoice = _free_text_invoice(pk)
    form = FreeTextLineForm(request.POST, prefix="line")
    return _run_form(
        request,
        pk,
        form,
        lambda form: services.free_text_invoice_line_add(invoice=invoice, line=form.line_input(), by=request.user),
        success=_("Line added."),
        form_kwarg="line_form",
    )


@permission("invoicing.change_invoice")
@require_POST
def free_text_invoice_line_update(request, pk: int, line_pk: int):
    line = get_object_or_404(InvoiceLine, pk=line_pk, invoice_id=pk, invoice__basis=InvoiceBasis.FREE_TEXT)
    form = FreeTextLineForm(request.POST, prefix="line")

    def update(form):
        services.free_text_invoice_line_update(invoice_line=line, by=request.user, **vars(form.line_input()))

    return _run_form(
        request,
        pk,
        form,
        update,
        success=_("Line %(no)s changed.") % {"no": line.line_no},
        form_kwarg="line_form",
        editing=line.pk,
    )


@permission("invoicing.change_invoice")
@require_POST
def free_text_invoice_line_delete(request, pk: int, line_pk: int):
    line = get_object_or_404(InvoiceLine, pk=line_pk, invoice_id=pk, invoice__basis=InvoiceBasis.FREE_TEXT)
    try:
        services.free_text_invoice_line_delete(invoice_line=line, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("invoicing:invoice_detail", pk=pk)
    messages.success(request, _("Line %(no)s removed.") % {"no": line.line_no})
    return redirect("invoicing:free_text_invoice_edit", pk=pk)


@permission("invoicing.view_invoice")
@require_GET
def invoice_pro_forma(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.select_related("customer__party"), pk=pk)
    try:
        content, filename = invoice_pro_forma_pdf(invoice)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("invoicing:invoice_detail", pk=pk)
    return pdf_response(content, filename)


@permission("invoicing.view_invoice")
@require_GET
def order_pro_forma(request, pk: int):
    """What invoicing the order now would bill, as PRO FORMA; a refusal (nothing to invoice) is shown on the
    order page."""
    order = get_object_or_404(SalesOrder.objects.select_related("customer__party"), pk=pk)
    try:
        content, filename = order_pro_forma_pdf(order=order, basis=request.GET.get("basis", InvoiceBasis.ORDER))
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("salesapp:order_detail", pk=pk)
    return pdf_response(content, filename)
