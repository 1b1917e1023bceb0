from salesapp.admin import (  # noqa: F401  (registers the models)
    agreements,
    customers,
    items,
    orders,
    packing_slips,
    pricing,
    quotations,
    suggestions,
    supply,
    tax_codes,
)
