"""A customer's account: balance, total sales, what is overdue."""

from decimal import Decimal

from django.db.models import DecimalField, F, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import extensions
from core.money import ZERO
from invoicing.choices import CreditKind, InvoiceKind, InvoiceState, PaymentState
from invoicing.models import Invoice, Payment
from invoicing.selectors.invoices import invoice_filter_overdue
from salesapp.models import Customer


def customer_balance(*, customer: Customer) -> dict:
    """Balance = posted invoices − payments received (unapplied money lowers it too); a credit note is a posted
    invoice with negative amounts, so it lowers the balance and the total sales."""
    # A canceled invoice and the credit note that canceled it offset each other: neither counts.
    posted = Invoice.objects.filter(customer=customer, state=InvoiceState.POSTED).exclude(
        credit_kind=CreditKind.CANCELLATION
    )
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


def customer_account_balance(customer_id: int) -> Decimal:
    """Posted invoices (credit notes lower it) less the payments received, in one statement."""
    invoiced = (
        Invoice.objects.filter(customer_id=customer_id, state=InvoiceState.POSTED)
        .exclude(credit_kind=CreditKind.CANCELLATION)
        .values("customer_id")
    )
    received = Payment.objects.filter(customer_id=customer_id).values("customer_id")
    money = DecimalField(max_digits=18, decimal_places=2)
    row = (
        Customer.objects.filter(pk=customer_id)
        .annotate(
            invoiced=Coalesce(
                Subquery(invoiced.annotate(total=Sum("amount_total")).values("total")), ZERO, output_field=money
            ),
            received=Coalesce(
                Subquery(received.annotate(total=Sum("amount")).values("total")), ZERO, output_field=money
            ),
        )
        .values("invoiced", "received")
        .first()
    )
    return row["invoiced"] - row["received"] if row else ZERO


def customers_receivables(customer_ids: list[int]) -> dict[int, extensions.Receivables]:
    """What each customer owes on posted invoices (total − paid of those not paid in full) and the overdue part
    of it, in one query. Amounts are in the invoices' currency, which is the company currency for now (no
    exchange rates exist yet)."""
    open_amount = F("amount_total") - F("amount_paid")
    rows = (
        Invoice.objects.filter(customer_id__in=customer_ids, state=InvoiceState.POSTED)
        .exclude(payment_state=PaymentState.PAID)
        .exclude(credit_kind=CreditKind.CANCELLATION)
        .values("customer_id")
        .annotate(
            open=Sum(open_amount),
            # A credit note lowers what is open but is never overdue.
            overdue=Sum(
                open_amount, filter=Q(kind=InvoiceKind.INVOICE, due_date__lt=timezone.localdate()), default=ZERO
            ),
        )
    )
    return {row["customer_id"]: extensions.Receivables(open=row["open"], overdue=row["overdue"]) for row in rows}
