from invoicing.admin import invoices, ledger, payments  # noqa: F401  (registers the models)
