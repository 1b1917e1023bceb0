from invoicing.admin import billing_runs, invoices, ledger, payments, statements  # noqa: F401  (registers the models)
