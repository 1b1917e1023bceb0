"""A customer's account: balance, total sales, what is overdue."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, F, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import extensions
from core.money import ZERO
from invoicing.choices import AccountRole, InvoiceKind, PaymentDirection, PaymentState
from invoicing.models import JournalLine, Payment
from invoicing.selectors.invoices import invoice_filter_overdue, receivable_documents
from salesapp.models import Customer
from salesapp.selectors.pricing import company_currency

# Money in less money paid back (refunds).
RECEIVED = Case(
    When(direction=PaymentDirection.REFUND, then=-F("amount")),
    default=F("amount"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def customer_balance(*, customer: Customer) -> dict:
    """Balance = posted invoices − payments received (unapplied money lowers it too); a credit note is a posted
    invoice with negative amounts, so it lowers the balance and the total sales."""
    # A canceled invoice and the credit note that canceled it offset each other: neither counts.
    posted = receivable_documents().filter(customer=customer)
    invoiced = posted.aggregate(total=Sum("amount_total"))["total"] or ZERO
    received = Payment.objects.filter(customer=customer).aggregate(total=Sum(RECEIVED))["total"] or ZERO
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
    invoiced = receivable_documents().filter(customer_id=customer_id).values("customer_id")
    received = Payment.objects.filter(customer_id=customer_id).values("customer_id")
    money = DecimalField(max_digits=18, decimal_places=2)
    row = (
        Customer.objects.filter(pk=customer_id)
        .annotate(
            invoiced=Coalesce(
                Subquery(invoiced.annotate(total=Sum("amount_total")).values("total")), ZERO, output_field=money
            ),
            received=Coalesce(
                Subquery(received.annotate(total=Sum(RECEIVED)).values("total")), ZERO, output_field=money
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
        receivable_documents()
        .filter(customer_id__in=customer_ids)
        .exclude(payment_state=PaymentState.PAID)
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


# Days from an invoice's date to the day the last of what settled it came in (a payment's date; a set-off's day),
# averaged over the customer's invoices paid in full.
_AVERAGE_DAYS_TO_PAY = """
SELECT AVG(settled - invoice_date) FROM (
  SELECT i.invoice_date, MAX(COALESCE(p.payment_date, (a.applied_at AT TIME ZONE %(tz)s)::date)) AS settled
    FROM invoicing_invoice i
    JOIN invoicing_paymentapplication a ON a.invoice_id = i.id AND a.unapplied_at IS NULL
    LEFT JOIN invoicing_payment p ON p.id = a.payment_id
   WHERE i.customer_id = %(customer)s AND i.kind = 'invoice' AND i.state = 'posted' AND i.payment_state = 'paid'
   GROUP BY i.id, i.invoice_date
) paid
"""


def _ledger_balance(customer: Customer) -> Decimal:
    """What the customer's receivable account holds for it, in the company currency."""
    totals = JournalLine.objects.filter(customer=customer, account__role=AccountRole.RECEIVABLE).aggregate(
        debit=Sum("debit", default=ZERO), credit=Sum("credit", default=ZERO)
    )
    return totals["debit"] - totals["credit"]


def customer_figures(*, customer: Customer, today: datetime.date | None = None) -> dict:
    """The account's figures in three aggregate statements: balance (open invoices − open credits − money on
    account), overdue, sales this year and last year (posted invoices net of credit notes, by invoice date) and
    the average days to pay (None until an invoice is paid in full)."""
    today = today or timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    open_amount = F("amount_total") - F("amount_paid")
    documents = (
        receivable_documents()
        .filter(customer=customer)
        .aggregate(
            open_invoices=Sum(open_amount, filter=Q(kind=InvoiceKind.INVOICE), default=ZERO),
            open_credits=Sum(-open_amount, filter=Q(kind=InvoiceKind.CREDIT_NOTE), default=ZERO),
            overdue=Sum(
                open_amount,
                filter=Q(kind=InvoiceKind.INVOICE, due_date__lt=today) & ~Q(payment_state=PaymentState.PAID),
                default=ZERO,
            ),
            total_sales=Sum("amount_net", default=ZERO),
            sales_this_year=Sum("amount_net", filter=Q(invoice_date__year=this_year), default=ZERO),
            sales_last_year=Sum("amount_net", filter=Q(invoice_date__year=last_year), default=ZERO),
        )
    )
    unapplied = Payment.objects.filter(customer=customer).aggregate(
        total=Sum(
            Case(
                When(direction=PaymentDirection.REFUND, then=F("amount_applied") - F("amount")),
                default=F("amount") - F("amount_applied"),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            default=ZERO,
        )
    )["total"]
    with connection.cursor() as cursor:
        cursor.execute(_AVERAGE_DAYS_TO_PAY, {"customer": customer.pk, "tz": timezone.get_current_timezone_name()})
        average = cursor.fetchone()[0]
    balance = documents["open_invoices"] - documents["open_credits"] - unapplied
    return {
        "balance": balance,
        "company_currency": company_currency(),
        # The ledger's view: documents at the rates they were booked at, money at the rate it came in at, and the
        # differences realized when they met. The same figure for a customer in the company currency.
        "balance_company_currency": balance if customer.currency == company_currency() else _ledger_balance(customer),
        "open_invoices": documents["open_invoices"],
        "open_credits": documents["open_credits"],
        "unapplied_payments": unapplied,
        "overdue": documents["overdue"],
        "total_sales": documents["total_sales"],
        "sales_this_year": documents["sales_this_year"],
        "sales_last_year": documents["sales_last_year"],
        "average_days_to_pay": None if average is None else round(Decimal(average), 1),
        "this_year": this_year,
        "last_year": last_year,
    }
