from invoicing.admin import (  # noqa: F401  (registers the models)
    billing_runs,
    exchange_rates,
    free_text_invoices,
    invoices,
    ledger,
    payments,
    statements,
)
