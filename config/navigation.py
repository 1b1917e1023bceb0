"""The top bar: every app's pages, grouped (config may name every app; core may not)."""

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
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
            (_("Sales agreements"), "salesapp:agreement_list"),
            (_("Quotations"), "salesapp:quotation_list"),
            (_("Sales orders"), "salesapp:order_list"),
            (_("Packing slips"), "salesapp:packing_slip_list"),
            (_("Inbound supply"), "salesapp:supply_list", "salesapp.add_inboundsupplyline"),
            (_("Backorders"), "salesapp:backorders_by_item"),
            (_("Approvals"), "salesapp:approval_queue", "salesapp.approve_salesorder"),
            (_("Up-sell and cross-sell"), "salesapp:relation_list"),
            (_("Standard line sets"), "salesapp:line_set_list"),
        ],
    ),
    (
        _("Invoicing"),
        [
            (_("Invoices"), "invoicing:invoice_list"),
            (_("Payments"), "invoicing:payment_list"),
            (_("Aging"), "invoicing:aging", "invoicing.view_invoice"),
            (_("Billing runs"), "invoicing:billing_run_list", "invoicing.add_billingrun"),
            (_("Exchange rates"), "invoicing:exchange_rate_list"),
        ],
    ),
]


# The top bar as every page draws it, per language and script prefix: the same on each request, so its links are
# reversed and its labels translated once per process instead of on every page. An entry may name the permission
# its page needs (a third element): it is left out for those who lack it.
_drawn: dict[tuple[str, str], list] = {}


def navigation(request):
    key = (get_language(), get_script_prefix())
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = _drawn[key] = [
            (
                str(app_label),
                [(str(label), reverse(url_name), needed) for label, url_name, *needed in entries],
            )
            for app_label, entries in NAVIGATION
        ]
    user = getattr(request, "user", None)
    return {
        "navigation": [
            (app_label, [(label, url) for label, url, needed in entries if all(map(user.has_perm, needed))])
            for app_label, entries in drawn
        ]
        if user is not None
        else [
            (app_label, [(label, url) for label, url, needed in entries if not needed]) for app_label, entries in drawn
        ]
    }
