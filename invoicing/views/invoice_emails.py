"""Emailing a posted invoice or credit note from its page (invoicing.services.invoice_emails)."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.web import permission, run_action
from invoicing.models import Invoice
from invoicing.services.invoice_emails import invoice_email_send


@permission("invoicing.send_invoice")
@require_POST
def invoice_email(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.select_related("customer__party"), pk=pk)
    run_action(
        request,
        lambda: invoice_email_send(invoice=invoice, to=request.POST.get("to", ""), by=request.user),
        success=_("%(invoice)s is on its way by email; it shows under “Emails” once sent.") % {"invoice": invoice},
    )
    return redirect("invoicing:invoice_detail", pk=invoice.pk)
