from invoicing.admin import billing_runs, free_text_invoices, invoices, ledger, payments  # noqa: F401  (registers the models)
