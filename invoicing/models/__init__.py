from invoicing.models.billing_runs import BillingRun, BillingRunResult
from invoicing.models.invoices import Invoice, InvoiceLine, InvoiceTax
from invoicing.models.ledger import JournalEntry, JournalLine, LedgerAccount, TaxCodeAccount
from invoicing.models.payments import Payment, PaymentApplication
from invoicing.models.statements import CustomerStatement

__all__ = [
    "BillingRun",
    "BillingRunResult",
    "CustomerStatement",
    "Invoice",
    "InvoiceLine",
    "InvoiceTax",
    "JournalEntry",
    "JournalLine",
    "LedgerAccount",
    "TaxCodeAccount",
    "Payment",
    "PaymentApplication",
]
