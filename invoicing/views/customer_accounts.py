"""A customer's account page: balance, open invoices and recent payments."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.web import list_url, panel_rows, permission
from invoicing.selectors import customer_accounts as account_selectors
from invoicing.selectors import invoices as invoice_selectors
from invoicing.selectors import payments as payment_selectors
from salesapp.models import Customer

RECENT_PAYMENTS = 5


@permission("invoicing.view_invoice")
def customer_account(request, customer_pk: int):
    """The receivables panel of a customer page, loaded by htmx (no page layout)."""
    customer = get_object_or_404(Customer.objects.select_related("party"), pk=customer_pk)
    context = {
        "customer": customer,
        "balance": account_selectors.customer_balance(customer=customer),
        "open_invoices": panel_rows(
            invoice_selectors.invoice_list_open(customer_id=customer.pk),
            url=list_url("invoicing:invoice_list", customer=customer.pk, open="on"),
        ),
        "payments": panel_rows(
            payment_selectors.payment_list(customer_id=customer.pk),
            url=list_url("invoicing:payment_list", customer=customer.pk),
            limit=RECENT_PAYMENTS,
        ),
        "today": timezone.localdate(),
    }
    return render(request, "invoicing/customer_account.html", context)
