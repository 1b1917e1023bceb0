"""What each role may do: the permission table over every app (DESIGN.md §7; the README's role table).

Kept as data (permission strings); data migrations of the last app apply it with ``core.roles.roles_sync``."""

from core.roles import ADMINISTRATOR, BILLING_CLERK, INTEGRATOR, SALES_CLERK, SALES_MANAGER


def _crud(app_model: str, *verbs: str) -> list[str]:
    app, model = app_model.split(".")
    return [f"{app}.{verb}_{model}" for verb in (verbs or ("view", "add", "change", "delete"))]


_MARKETING_MODELS = (
    "marketing.party",
    "marketing.contact",
    "marketing.address",
    "marketing.tag",
    "marketing.lead",
    "marketing.opportunity",
    "marketing.campaign",
    "marketing.campaigntarget",
    "marketing.segment",
    "marketing.activity",
)

# Prices and tax determination: everyone reads them, sales managers maintain them (DESIGN.md §7).
_PRICING_MODELS = (
    "salesapp.tradeagreementline",
    "salesapp.customerpricegroup",
    "salesapp.itemgroup",
    "salesapp.customertaxgroup",
    "salesapp.itemtaxgroup",
    "salesapp.taxdetermination",
)

_VIEW_ALL = [
    *[perm for model in _MARKETING_MODELS for perm in _crud(model, "view")],
    *_crud("marketing.opportunitystage", "view"),
    *_crud("marketing.unsubscription", "view"),
    *_crud("salesapp.customer", "view"),
    *_crud("salesapp.item", "view"),
    *_crud("salesapp.taxcode", "view"),
    *[perm for model in _PRICING_MODELS for perm in _crud(model, "view")],
    *_crud("salesapp.productrelation", "view"),
    *_crud("salesapp.standardlineset", "view"),
    *_crud("salesapp.standardline", "view"),
    *_crud("salesapp.suggestionevent", "view"),
    *_crud("salesapp.salesorder", "view"),
    *_crud("salesapp.salesorderline", "view"),
    *_crud("salesapp.orderapprovaldecision", "view"),
    *_crud("salesapp.packingslip", "view"),
    *_crud("salesapp.packingslipline", "view"),
    *_crud("salesapp.quotation", "view"),
    *_crud("salesapp.quotationline", "view"),
    *_crud("salesapp.quotationrevision", "view"),
    *_crud("salesapp.quotationrevisionline", "view"),
    *_crud("salesapp.quotationemail", "view"),
    *_crud("salesapp.orderconfirmation", "view"),
    *_crud("salesapp.shippingnotice", "view"),
    *_crud("salesapp.shipdatenotice", "view"),
    *_crud("salesapp.salesagreement", "view"),
    *_crud("salesapp.salesagreementline", "view"),
    *_crud("salesapp.salesagreementversion", "view"),
    *_crud("invoicing.invoice", "view"),
    *_crud("invoicing.invoiceline", "view"),
    *_crud("invoicing.payment", "view"),
    *_crud("invoicing.paymentapplication", "view"),
    *_crud("salesapp.subscriptionperiod", "view"),
    *_crud("salesapp.subscriptionperiodline", "view"),
    *_crud("invoicing.billingrun", "view"),
    *_crud("invoicing.billingrunresult", "view"),
    *_crud("salesapp.stockmove", "view"),
    *_crud("salesapp.inboundsupplyline", "view"),
    *_crud("invoicing.exchangerate", "view"),
    *_crud("invoicing.invoiceemail", "view"),
]

# Exchange rates are kept by the manager, or fed by a treasury or bank system through the API.
_EXCHANGE_RATES = _crud("invoicing.exchangerate")

# Inbound supply is entered and received by the manager, or by the purchasing system through the API.
_SUPPLY = [*_crud("salesapp.inboundsupplyline"), "salesapp.receive_inboundsupplyline"]

# On-hand changes only through documents; the manager corrects it (adjustments with a reason), splits it between
# waiting orders and undoes a posted delivery that is not invoiced.
_STOCK_CONTROL = ["salesapp.add_stockmove", "salesapp.allocate_stock", "salesapp.cancel_packingslip"]

# Starting a billing run invoices and posts every subscription due (invoicing.services.billing_runs): the
# sales manager who keeps the subscriptions and the billing clerk who posts invoices may start one.
_BILLING_RUNS = ["invoicing.add_billingrun"]

_SALES_WORK = [
    *[perm for model in _MARKETING_MODELS for perm in _crud(model)],
    *_crud("marketing.unsubscription", "view", "add"),
    *_crud("salesapp.customer", "view", "add", "change"),
    *_crud("salesapp.salesorder"),
    *_crud("salesapp.salesorderline"),
    *_crud("salesapp.packingslip"),
    *_crud("salesapp.packingslipline"),
    "salesapp.confirm_salesorder",
    "salesapp.cancel_salesorder",
    # The customer no longer wants the rest, or it will not come: the undelivered remainder is closed short.
    "salesapp.close_remainder_salesorder",
    "salesapp.send_orderconfirmation",
    "salesapp.send_shippingnotice",
    "salesapp.post_packingslip",
    # A price or discount typed over the engine's; the line then says "manual".
    "salesapp.override_line_price",
    *_crud("salesapp.quotation"),
    *_crud("salesapp.quotationline"),
    "salesapp.send_quotation",
    "salesapp.accept_quotation",
    # Orders are released from an effective sales agreement by the clerks; managers keep the agreements.
    "salesapp.release_salesagreement",
    # Accepting a suggestion is changing the order; undoing one (through the API) changes its event.
    "salesapp.change_suggestionevent",
    *_crud("invoicing.invoice", "view", "add", "change", "delete"),
    *_crud("invoicing.invoiceline", "view"),
]

_BILLING_WORK = [
    *_crud("invoicing.invoice"),
    *_crud("invoicing.invoiceline"),
    "invoicing.post_invoice",
    "invoicing.send_invoice",
    # Whoever posts an invoice may cancel it while it is unpaid (a full credit note is posted for it).
    "invoicing.cancel_invoice",
    *_crud("invoicing.payment"),
    *_crud("invoicing.paymentapplication"),
    *_crud("invoicing.customerstatement", "view", "add"),
    *_crud("invoicing.journalentry", "view"),
    *_crud("invoicing.journalline", "view"),
    *_crud("invoicing.ledgeraccount", "view"),
    *_crud("salesapp.customer", "view", "change"),
    "salesapp.change_customer_credit",
]

# Up-sell and cross-sell rules and standard line sets are the manager's to keep; clerks read and use them.
_SUGGESTION_RULES = [
    *_crud("salesapp.productrelation"),
    *_crud("salesapp.standardlineset"),
    *_crud("salesapp.standardline"),
]

# Sales agreements are the manager's to make, change, activate, hold, close and cancel (DESIGN.md §7).
_AGREEMENTS = [
    *_crud("salesapp.salesagreement"),
    *_crud("salesapp.salesagreementline"),
]

# The event feed, webhook subscriptions and their delivery log.
_EVENTS = [
    "core.view_event",
    *_crud("integrations.webhooksubscription"),
    "integrations.view_webhookdelivery",
]

# People work in the pages; the integrator is an account for other systems and uses the API only.
_PAGES = ["core.use_pages"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SALES_CLERK: sorted(set(_PAGES + _VIEW_ALL + _SALES_WORK)),
    SALES_MANAGER: sorted(
        set(
            _PAGES
            + _VIEW_ALL
            + _SALES_WORK
            + _crud("salesapp.item")
            + _crud("salesapp.customer")
            + ["salesapp.change_customer_credit"]
            + [perm for model in _PRICING_MODELS for perm in _crud(model)]
            + _crud("marketing.opportunitystage")
            + _crud("marketing.unsubscription")
            + _SUGGESTION_RULES
            + _AGREEMENTS
            # Orders over the credit limit or the approval threshold, and holds on deliveries and invoices.
            + ["salesapp.approve_salesorder", "salesapp.hold_salesorder"]
            + _BILLING_RUNS
            + _SUPPLY
            + _STOCK_CONTROL
            + _EXCHANGE_RATES
        )
    ),
    BILLING_CLERK: sorted(set(_PAGES + _VIEW_ALL + _BILLING_WORK + _BILLING_RUNS)),
    INTEGRATOR: sorted(
        set(
            _VIEW_ALL
            + _SALES_WORK
            + _crud("salesapp.item", "view", "add", "change")
            + _crud("invoicing.payment", "view", "add")
            + ["invoicing.post_invoice", "invoicing.send_invoice", "invoicing.cancel_invoice"]
            # Rules and sets often come from the product information system.
            + _SUGGESTION_RULES
            # The systems it connects own customers' credit terms as often as billing does.
            + ["salesapp.change_customer_credit"]
            # Agreements signed in a CRM or contract system are kept in step by it.
            + _AGREEMENTS
            + _SUPPLY
            + _EXCHANGE_RATES
            # It follows what happens through the event feed and its webhooks (integrations).
            + _EVENTS
        )
    ),
    # Administrators also get is_staff; the admin site shows them every model.
    ADMINISTRATOR: ["*"],
}
