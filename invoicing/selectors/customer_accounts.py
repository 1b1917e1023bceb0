"""A customer's account: balance, total sales, what is overdue."""

from django.db.models import Sum

from core.money import ZERO
from invoicing.choices import InvoiceState
from invoicing.models import Invoice, Payment
from invoicing.selectors.invoices import invoice_filter_overdue
from salesapp.models import Customer


def customer_balance(*, customer: Customer) -> dict:
    """Balance = posted invoices − payments received (unapplied money lowers it too)."""
    posted = Invoice.objects.filter(customer=customer, state=InvoiceState.POSTED)
    invoiced = posted.aggregate(total=Sum("amount_total"))["total"] or ZERO
    received = Payment.objects.filter(customer=customer).aggregate(total=Sum("amount"))["total"] or ZERO
    overdue = invoice_filter_overdue(posted).aggregate(total=Sum("amount_total") - Sum("amount_paid"))["total"] or ZERO
    total_sales = posted.aggregate(total=Sum("amount_net"))["total"] or ZERO
    return {
        "balance": invoiced - received,
        "overdue": overdue,
        "total_sales": total_sales,
        "invoiced": invoiced,
        "received": received,
    }
