from invoicing.admin import billing_runs, invoices, ledger, payments  # noqa: F401  (registers the models)
