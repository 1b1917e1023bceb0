"""The top bar: every app's pages, grouped (config may name every app; core may not)."""

from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    (
        _("Marketing"),
        [
            (_("Parties"), "marketing:party_list"),
            (_("Leads"), "marketing:lead_list"),
            (_("Pipeline"), "marketing:pipeline"),
            (_("Opportunities"), "marketing:opportunity_list"),
            (_("Campaigns"), "marketing:campaign_list"),
            (_("My follow-ups"), "marketing:followups"),
            (_("Activities"), "marketing:activity_list"),
        ],
    ),
    (
        _("Sales"),
        [
            (_("Customers"), "salesapp:customer_list"),
            (_("Items"), "salesapp:item_list"),
            (_("Trade agreements"), "salesapp:trade_agreement_list"),
            (_("Quotations"), "salesapp:quotation_list"),
            (_("Sales orders"), "salesapp:order_list"),
            (_("Packing slips"), "salesapp:packing_slip_list"),
            (_("Up-sell and cross-sell"), "salesapp:relation_list"),
            (_("Standard line sets"), "salesapp:line_set_list"),
        ],
    ),
    (
        _("Invoicing"),
        [(_("Invoices"), "invoicing:invoice_list"), (_("Payments"), "invoicing:payment_list")],
    ),
]


def navigation(request):
    return {"navigation": NAVIGATION}
