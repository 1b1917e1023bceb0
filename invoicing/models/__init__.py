from invoicing.models.billing_runs import BillingRun, BillingRunResult
from invoicing.models.exchange_rates import ExchangeRate
from invoicing.models.free_text_invoices import FreeTextInvoice
from invoicing.models.invoice_emails import InvoiceEmail
from invoicing.models.invoices import Invoice, InvoiceLine, InvoiceTax
from invoicing.models.ledger import JournalEntry, JournalLine, LedgerAccount, TaxCodeAccount
from invoicing.models.payments import Payment, PaymentApplication
from invoicing.models.statements import CustomerStatement

__all__ = [
    "BillingRun",
    "BillingRunResult",
    "CustomerStatement",
    "ExchangeRate",
    "FreeTextInvoice",
    "Invoice",
    "InvoiceEmail",
    "InvoiceLine",
    "InvoiceTax",
    "JournalEntry",
    "JournalLine",
    "LedgerAccount",
    "TaxCodeAccount",
    "Payment",
    "PaymentApplication",
]
