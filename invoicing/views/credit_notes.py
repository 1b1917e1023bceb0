"""Pages for crediting a posted invoice: the credit note form, cancel and correct (POST only)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.web import form_save, permission, run_action
from invoicing.forms.credit_notes import CreditNoteForm
from invoicing.models import Invoice
from invoicing.selectors.credit_notes import invoice_lines_to_credit
from invoicing.services.credit_notes import invoice_cancel as invoice_cancel_service
from invoicing.services.credit_notes import invoice_correct as invoice_correct_service


@permission("invoicing.add_invoice")
def invoice_credit_note(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.select_related("customer__party"), pk=pk)
    lines = invoice_lines_to_credit(invoice)
    form = CreditNoteForm(request.POST or None, invoice=invoice, lines=lines)
    note = form_save(request, form)
    if note is not None:
        messages.success(request, _("Draft credit note #%(pk)s created: check it and post it.") % {"pk": note.pk})
        return redirect("invoicing:invoice_detail", pk=note.pk)
    return render(request, "invoicing/credit_note_form.html", {"invoice": invoice, "form": form, "lines": lines})


@require_POST
@permission("invoicing.cancel_invoice")
def invoice_cancel(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    run_action(
        request,
        lambda: invoice_cancel_service(invoice=invoice, reason=request.POST.get("reason", ""), by=request.user),
        success=_("Invoice canceled: its credit note is posted and the order can be invoiced again."),
    )
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


@require_POST
@permission("invoicing.cancel_invoice")
def invoice_correct(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        draft = invoice_correct_service(invoice=invoice, reason=request.POST.get("reason", ""), by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    messages.success(request, _("Invoice canceled; this draft corrects it."))
    return redirect("invoicing:invoice_detail", pk=draft.pk)
