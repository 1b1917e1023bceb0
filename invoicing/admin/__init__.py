from invoicing.admin import billing_runs, exchange_rates, invoices, ledger, payments  # noqa: F401  (registers the models)
