from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    STOCKED = "stocked", _("Stocked product")
    SERVICE = "service", _("Service")


class OrderType(models.TextChoices):
    JOURNAL = "journal", _("Journal")
    SUBSCRIPTION = "subscription", _("Subscription")
    SALES = "sales", _("Sales order")
    RETURNED_ORDER = "returned_order", _("Returned order")
    ITEM_REQUIREMENTS = "item_requirements", _("Item requirements")


class BillingPeriod(models.TextChoices):
    """How often a subscription order is invoiced."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class OrderState(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    CONFIRMED = "confirmed", _("Confirmed")
    DELIVERED = "delivered", _("Delivered")
    INVOICED = "invoiced", _("Invoiced")
    CANCELED = "canceled", _("Canceled")


class LineType(models.TextChoices):
    ITEM = "item", _("Item")
    SERVICE = "service", _("Service")
    WRITE_IN = "write_in", _("Write-in")
    COMMENT = "comment", _("Comment")


class PriceSource(models.TextChoices):
    """Where a line's price and discount came from (DESIGN.md §4.1), in the engine's order of precedence."""

    SALES_AGREEMENT = "sales_agreement", _("Sales agreement")
    CUSTOMER_AGREEMENT = "customer_agreement", _("Trade agreement for the customer")
    PRICE_GROUP_AGREEMENT = "price_group_agreement", _("Trade agreement for the price group")
    ALL_CUSTOMERS_AGREEMENT = "all_customers_agreement", _("Trade agreement for all customers")
    ITEM_PRICE = "item_price", _("Item sales price")
    MANUAL = "manual", _("Manual")


class AgreementKind(models.TextChoices):
    PRICE = "price", _("Price")
    DISCOUNT = "discount", _("Discount")


class AgreementAppliesTo(models.TextChoices):
    """Who a trade agreement line is for, from the most specific to the least."""

    CUSTOMER = "customer", _("Customer")
    PRICE_GROUP = "price_group", _("Price group")
    ALL = "all", _("All customers")


class PackingSlipState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    CANCELED = "canceled", _("Canceled")


class ReturnDisposition(models.TextChoices):
    """What happens to goods a customer sent back, per line of the return receipt."""

    BACK_TO_STOCK = "back_to_stock", _("Back to stock")
    SCRAP = "scrap", _("Scrap")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    SEK = "SEK", "SEK"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


class QuotationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    LOST = "lost", _("Lost")
    CANCELED = "canceled", _("Canceled")
    EXPIRED = "expired", _("Expired")


class QuotationLostReason(models.TextChoices):
    PRICE = "price", _("Price too high")
    COMPETITOR = "competitor", _("Went to a competitor")
    NO_BUDGET = "no_budget", _("No budget")
    NO_DECISION = "no_decision", _("No decision made")
    TIMING = "timing", _("Timing: not now")
    OTHER = "other", _("Other")


class RelationKind(models.TextChoices):
    """What accepting a product relation does to the order line (DESIGN.md §4.1)."""

    UP_SELL = "up_sell", _("Up-sell (replace the item)")
    CROSS_SELL = "cross_sell", _("Cross-sell (add a line)")


class SuggestionEventKind(models.TextChoices):
    SHOWN = "shown", _("Shown")
    ACCEPTED = "accepted", _("Accepted")


class CommitmentType(models.TextChoices):
    """What a sales agreement's customer commits to (DESIGN.md §4.2); ``none`` agrees prices only."""

    PRODUCT_QUANTITY = "product_quantity", _("Product quantity commitment")
    PRODUCT_VALUE = "product_value", _("Product value commitment")
    TOTAL_VALUE = "total_value", _("Total value commitment")
    NONE = "none", _("Prices only (no commitment)")


class AgreementState(models.TextChoices):
    ON_HOLD = "on_hold", _("On hold")
    EFFECTIVE = "effective", _("Effective")
    CLOSED = "closed", _("Closed")
    CANCELED = "canceled", _("Canceled")


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StockMoveKind(models.TextChoices):
    """Why on-hand changed: stock moves are the only way it does (salesapp.services.stock)."""

    DELIVERY = "delivery", _("Delivery")
    DELIVERY_CANCELED = "delivery_canceled", _("Delivery canceled")
    RETURN_RECEIPT = "return_receipt", _("Return receipt")
    SUPPLY_RECEIPT = "supply_receipt", _("Supply receipt")
    ADJUSTMENT = "adjustment", _("Adjustment")


class SupplyState(models.TextChoices):
    OPEN = "open", _("Open")
    RECEIVED = "received", _("Received")
    CANCELED = "canceled", _("Canceled")


class LineSupply(models.TextChoices):
    """Where the goods of an order line come from."""

    STOCK = "stock", _("From stock")
    # The vendor delivers to the customer: receiving the vendor's line posts the delivery, no stock on hand.
    DROP_SHIPMENT = "drop_shipment", _("Drop shipment")
    # Bought for this order: the vendor's goods are reserved for the line when they arrive.
    SPECIAL_ORDER = "special_order", _("Special order")
