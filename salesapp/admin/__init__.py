from salesapp.admin import customers, items, orders, packing_slips, quotations, tax_codes  # noqa: F401  (registers the models)
