"""The machine codes of salesapp's refusals (DESIGN.md §2.7): every raise site names one of these, and the API's
problem documents and the OpenAPI problem schema list them."""

from django.db import models


class ErrorCode(models.TextChoices):
    CUSTOMER_CREDIT_FORBIDDEN = "customer-credit-forbidden"
    CUSTOMER_EXISTS = "customer-exists"
    ORDER_NOT_CANCELABLE = "order-not-cancelable"
    ORDER_NOT_CONFIRMABLE = "order-not-confirmable"
    ORDER_NOT_DELIVERABLE = "order-not-deliverable"
    ORDER_NOT_DELIVERED = "order-not-delivered"
    ORDER_NOT_EDITABLE = "order-not-editable"
    ORDER_NOT_INVOICED = "order-not-invoiced"
    ORDER_TOTAL_TOO_LARGE = "order-total-too-large"
    ORDER_TYPE_NOT_AVAILABLE = "order-type-not-available"
    OVER_DELIVERY = "over-delivery"
    OVER_INVOICED = "over-invoiced"
    PACKING_SLIP_EMPTY = "packing-slip-empty"
    PACKING_SLIP_LINE_UNKNOWN = "packing-slip-line-unknown"
    PACKING_SLIP_NOT_POSTABLE = "packing-slip-not-postable"
    PACKING_SLIP_POSTED = "packing-slip-posted"
    PACKING_SLIP_QUANTITY_INVALID = "packing-slip-quantity-invalid"
    RELATION_IN_USE = "relation-in-use"
    STANDARD_LINES_REFUSED = "standard-lines-refused"
    SUGGESTION_NOT_APPLICABLE = "suggestion-not-applicable"
    SUGGESTION_NOT_UNDOABLE = "suggestion-not-undoable"
