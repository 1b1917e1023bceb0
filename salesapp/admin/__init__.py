from salesapp.admin import customers, items, orders, packing_slips, pricing, tax_codes  # noqa: F401  (registers the models)
