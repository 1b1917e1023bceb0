from salesapp.admin import customers, items, orders, packing_slips, suggestions, tax_codes  # noqa: F401  (registers the models)
