"""What each sales order type does (DESIGN.md §4.2): one frozen policy per type, consulted by services, forms,
serializers and the admin, so no code elsewhere asks ``if order_type == …``. A value that names no type is
refused wherever an order is created or switched to it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from salesapp.choices import OrderState, OrderType


class StockDirection(models.TextChoices):
    OUT = "out", _("Out of stock")
    IN = "in", _("Into stock")
    NONE = "none", _("No stock effect")


@dataclass(frozen=True)
class OrderTypePolicy:
    order_type: OrderType
    stock_direction: StockDirection
    confirmable: bool
    deliverable: bool
    invoiceable: bool
    invoice_makes_credit_note: bool
    reopens_after_invoice: bool
    clerk_may_create: bool
    # For a clerk meeting the type for the first time (order entry help text).
    description: Promise

    @property
    def label(self) -> str:
        return str(self.order_type.label)

    @property
    def receives(self) -> bool:
        """Its slips take goods back (return receipts) instead of shipping them."""
        return self.stock_direction == StockDirection.IN

    @property
    def slip_series(self) -> str:
        """The number series of its slips: return receipts are numbered apart from packing slips."""
        return "return_receipt" if self.receives else "packing_slip"

    @property
    def adds_exposure(self) -> bool:
        """Whether confirming it commits the customer to pay (a return lowers what the customer owes)."""
        return self.invoiceable and not self.invoice_makes_credit_note


POLICIES: dict[str, OrderTypePolicy] = {
    policy.order_type.value: policy
    for policy in (
        OrderTypePolicy(
            order_type=OrderType.JOURNAL,
            stock_direction=StockDirection.NONE,
            confirmable=False,
            deliverable=False,
            invoiceable=False,
            invoice_makes_credit_note=False,
            reopens_after_invoice=False,
            clerk_may_create=True,
            description=_(
                "a draft to work on: it reserves nothing and cannot be confirmed, delivered or invoiced. "
                "Change its type to Sales order when the customer commits."
            ),
        ),
        OrderTypePolicy(
            order_type=OrderType.SUBSCRIPTION,
            stock_direction=StockDirection.OUT,
            confirmable=True,
            deliverable=True,
            invoiceable=True,
            invoice_makes_credit_note=False,
            reopens_after_invoice=True,
            clerk_may_create=True,
            description=_(
                "a recurring order: a billing run invoices it every period, then it is open for delivery again."
            ),
        ),
        OrderTypePolicy(
            order_type=OrderType.SALES,
            stock_direction=StockDirection.OUT,
            confirmable=True,
            deliverable=True,
            invoiceable=True,
            invoice_makes_credit_note=False,
            reopens_after_invoice=False,
            clerk_may_create=True,
            description=_("the customer's order: confirm it, ship it on packing slips and invoice it."),
        ),
        OrderTypePolicy(
            order_type=OrderType.RETURNED_ORDER,
            stock_direction=StockDirection.IN,
            confirmable=True,
            deliverable=True,
            invoiceable=True,
            invoice_makes_credit_note=True,
            reopens_after_invoice=False,
            # Entered from the delivered order ("Return goods"), so its lines name what comes back and take the
            # prices sold at; integrations create one with those lines through the API.
            clerk_may_create=False,
            description=_(
                "goods coming back, with an RMA number: a return receipt records what came back and what happens "
                "to it, and invoicing makes a credit note."
            ),
        ),
        OrderTypePolicy(
            order_type=OrderType.ITEM_REQUIREMENTS,
            stock_direction=StockDirection.OUT,
            confirmable=True,
            deliverable=True,
            invoiceable=False,
            invoice_makes_credit_note=False,
            reopens_after_invoice=False,
            clerk_may_create=False,
            description=_(
                "items a project needs, created by integrations only: delivered here, invoiced through the project."
            ),
        ),
    )
}


def policy_for(order_type: str) -> OrderTypePolicy:
    """The policy of a known order type; a value outside ``OrderType`` is a programming error (KeyError)."""
    return POLICIES[str(order_type)]


def order_type_refusal(order_type: str) -> str | None:
    """Why an order cannot be created as, or switched to, ``order_type`` now, or None when it can."""
    policy = POLICIES.get(str(order_type))
    if policy is None:
        return gettext("Unknown order type '%(type)s'.") % {"type": order_type}
    return None


def clerk_order_types() -> list[OrderTypePolicy]:
    """The types order entry offers: those not reserved for integrations or entered from another document."""
    return [policy for policy in POLICIES.values() if policy.clerk_may_create]


def clerk_order_type_help() -> str:
    """One sentence per type order entry offers, e.g. "Journal: a draft to work on …"."""
    return " ".join(f"{policy.label}: {policy.description}" for policy in clerk_order_types())


def type_change_refusal(order, order_type: str, *, delivered: bool) -> str | None:
    """Why ``order`` (open or confirmed) cannot become ``order_type`` now; ``delivered``: whether any of it was
    delivered. The reference lets any type be changed, except item requirements once delivered; here a change
    that would rewrite what the deliveries already did (their stock direction), or confirm a type that is never
    confirmed, is refused too."""
    refusal = order_type_refusal(order_type)
    if refusal:
        return refusal
    current, target = policy_for(order.order_type), policy_for(order_type)
    if current.invoice_makes_credit_note != target.invoice_makes_credit_note:
        return gettext(
            "A returned order is entered as one (it has an RMA number and lines naming what comes back): "
            "create a new order instead of changing the type of %(number)s."
        ) % {"number": order.number}
    if delivered and current.order_type == OrderType.ITEM_REQUIREMENTS:
        return gettext("Order %(number)s is an item requirement with deliveries: its type can no longer change.") % {
            "number": order.number
        }
    if delivered and current.stock_direction != target.stock_direction:
        return gettext(
            "Order %(number)s has posted packing slips: it cannot become a %(type)s, whose deliveries move stock "
            "differently. Close its remainder or create a returned order instead."
        ) % {"number": order.number, "type": target.label.lower()}
    if order.state != OrderState.OPEN and not target.confirmable:
        return gettext(
            "Order %(number)s is confirmed and a %(type)s is never confirmed: cancel it, or keep its type."
        ) % {"number": order.number, "type": target.label.lower()}
    return None
