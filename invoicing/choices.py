from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    CANCELED = "canceled", _("Canceled")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    # Negative amounts: reverses revenue, tax and the receivable (a returned order's invoice).
    CREDIT_NOTE = "credit_note", _("Credit note")


class CreditKind(models.TextChoices):
    """What a credit note credits (null on an invoice)."""

    # A price correction or goodwill: amounts only, the order's quantities untouched.
    VALUE_ONLY = "value_only", _("Value only")
    # A returned order's credit note: the goods came back, the returned order's quantities are booked.
    RETURN = "return", _("Return")
    # The full credit note that cancels an unpaid posted invoice: the order's invoiced quantities go back.
    CANCELLATION = "cancellation", _("Cancellation")


class PaymentState(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")


class InvoiceBasis(models.TextChoices):
    ORDER = "order", _("Order (everything left; undelivered quantity is delivered now)")
    PACKING_SLIPS = "packing_slips", _("Packing slips (delivered, not yet invoiced)")
    # Services sold without an order or a delivery: the lines of an accepted quotation, invoiced directly.
    DIRECT = "direct", _("Direct (services from an accepted quotation, no order)")
    # Typed in by the clerk: lines on revenue accounts, no order, no quotation, no delivery.
    FREE_TEXT = "free_text", _("Free text (lines on revenue accounts, no order)")
    # A billing run's invoice: posted packing slips of one or more orders of one customer; no order of its own.
    SUMMARY = "summary", _("Summary (packing slips of several orders)")


# What an order is invoiced on; a direct invoice has no order.
ORDER_BASES = (InvoiceBasis.ORDER, InvoiceBasis.PACKING_SLIPS)
ORDER_BASIS_CHOICES = [(value, label) for value, label in InvoiceBasis.choices if value in ORDER_BASES]


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expense")
    EQUITY = "equity", _("Equity")


class AccountRole(models.TextChoices):
    """The summary accounts posting looks up (a one-company posting profile)."""

    RECEIVABLE = "receivable", _("Customer receivables")
    REVENUE_GOODS = "revenue_goods", _("Revenue, goods")
    REVENUE_SERVICES = "revenue_services", _("Revenue, services")
    BANK = "bank", _("Bank")
    # Gains and losses realized when a foreign-currency document is settled at another rate than it was booked.
    EXCHANGE_DIFFERENCE = "exchange_difference", _("Exchange differences")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")


class PaymentDirection(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    # Money paid back to the customer, settling its credit notes.
    REFUND = "refund", _("Refund")


class BillingRunKind(models.TextChoices):
    SUBSCRIPTIONS = "subscriptions", _("Subscriptions")
    PACKING_SLIPS = "packing_slips", _("Packing slips (summary invoices)")


class SummaryGrouping(models.TextChoices):
    """How a packing-slip billing run splits what it invoices into invoices."""

    CUSTOMER = "customer", _("One invoice per customer")
    CUSTOMER_CURRENCY = "customer_currency", _("Per customer and currency")
    CUSTOMER_ORDER = "customer_order", _("Per customer and order")
    INVOICE_TO = "invoice_to", _("Per invoice-to party")


class BillingRunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
