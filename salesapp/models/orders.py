import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.dates import months_added
from core.loaded import loaded
from core.models import AuthoredModel
from core.money import ZERO, MoneyField, QuantityField
from core.search import trigram_index
from core.transitions import Refusal, document_transition, first_refusal
from salesapp.choices import BillingPeriod, Currency, LineSupply, OrderState, OrderType
from salesapp.errors import ErrorCode
from salesapp.models.customers import CUSTOMER_NOT_BLOCKED
from salesapp.models.lines import DocumentLine, line_kind_constraint
from salesapp.order_types import policy_for


class SalesOrder(ConcurrentStates, AuthoredModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    order_type = models.CharField(_("order type"), max_length=20, choices=OrderType.choices, default=OrderType.SALES)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    order_date = models.DateField(_("order date"), default=timezone.localdate)
    requested_ship_date = models.DateField(_("requested ship date"), null=True, blank=True)
    customer_reference = models.CharField(_("customer reference"), max_length=100, blank=True)
    # A returned order's return-item number, from its own series, taken when the return is entered.
    rma_number = models.CharField(_("RMA number"), max_length=30, unique=True, null=True, blank=True, editable=False)
    return_reason = models.CharField(_("return reason"), max_length=300, blank=True)
    external_document_number = models.CharField(_("external document number"), max_length=100, blank=True)
    # The terms this order is invoiced on: the customer's when it was entered, unless agreed otherwise for it.
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    # Empty: the customer's default delivery address (its party's, else the party's own address).
    delivery_address = models.ForeignKey(
        "marketing.Address",
        verbose_name=_("delivery address"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Attribution (DESIGN.md §3): campaign → lead → opportunity → order keeps the campaign.
    opportunity = models.ForeignKey(
        "marketing.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_orders",
    )
    campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_orders",
    )
    # The sales agreement the order was released from (salesapp.services.agreements.agreement_release).
    agreement = models.ForeignKey(
        "salesapp.SalesAgreement",
        verbose_name=_("sales agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    # A subscription's billing (salesapp.services.subscriptions): every period from the next billing date is
    # invoiced by a billing run, until the end date (empty: until canceled). Blank for the other types.
    billing_period = models.CharField(_("billing period"), max_length=10, choices=BillingPeriod.choices, blank=True)
    next_billing_date = models.DateField(_("next billing date"), null=True, blank=True)
    subscription_end_date = models.DateField(_("subscription end date"), null=True, blank=True)
    # The day of the month the periods start on, from the next billing date as it was set: a period that starts on
    # the 31st starts on the last day of a shorter month and on the 31st again after it (no drift to the 28th).
    billing_day = models.PositiveSmallIntegerField(_("billing day"), null=True, blank=True, editable=False)
    state = FSMField(
        _("status"),
        max_length=20,
        choices=OrderState.choices,
        default=OrderState.OPEN,
        protected=True,
        db_index=True,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)
    amount_net = MoneyField(_("net amount"), editable=False)
    amount_tax = MoneyField(_("tax amount"), editable=False)
    amount_total = MoneyField(_("total"), editable=False)
    # The last approval request (DESIGN.md §4.2): who confirmed the order, when, and why it needed approval.
    # Each request and decision is also in the transition log and the order's approval decisions.
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approval_requested_at = models.DateTimeField(_("approval requested at"), null=True, blank=True, editable=False)
    approval_reason = models.TextField(_("approval reason"), blank=True, editable=False)
    # The hold overlay: not a state, a brake on deliveries and invoices whatever the state (DESIGN.md §4.2).
    on_hold = models.BooleanField(_("on hold"), default=False, editable=False)
    hold_reason = models.CharField(_("hold reason"), max_length=300, blank=True, editable=False)
    # Held because the customer pays before delivery: a payment that covers the order releases it.
    held_for_prepayment = models.BooleanField(_("held for prepayment"), default=False, editable=False)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, editable=False)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-id"]
        # The list search (icontains) is index-backed through these (core.search).
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "external_document_number"],
                # A canceled order gives its number back: the customer's order is entered again, correctly.
                condition=~models.Q(external_document_number="") & ~models.Q(state=OrderState.CANCELED),
                name="salesorder_external_number_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(on_hold=True) | (Q(hold_reason="") & Q(held_for_prepayment=False)),
                name="salesorder_hold_reason_only_on_hold",
            ),
            # A subscription knows when and how often it is billed; another type carries no billing terms.
            models.CheckConstraint(
                condition=(
                    Q(order_type=OrderType.SUBSCRIPTION) & ~Q(billing_period="") & Q(next_billing_date__isnull=False)
                )
                | (
                    ~Q(order_type=OrderType.SUBSCRIPTION)
                    & Q(billing_period="")
                    & Q(next_billing_date__isnull=True)
                    & Q(subscription_end_date__isnull=True)
                ),
                name="salesorder_subscription_billing_terms",
            ),
        ]
        indexes = [
            trigram_index("number", name="salesorder_number_trgm"),
            trigram_index("customer_reference", name="salesorder_reference_trgm"),
        ]
        permissions = [
            ("confirm_salesorder", "Can confirm sales order"),
            ("cancel_salesorder", "Can cancel sales order"),
            ("close_remainder_salesorder", "Can close the undelivered remainder of a sales order"),
            ("approve_salesorder", "Can approve or reject sales orders"),
            ("hold_salesorder", "Can put sales orders on hold and release them"),
        ]

    def __str__(self):
        return self.number

    # Conditions are pure predicates: they read the order and its lines, never write. A service that holds the
    # locked lines has them loaded (core/loaded.py): the predicates then read those, else they ask the database.
    def has_lines(self) -> bool:
        lines = loaded(self, "lines")
        return bool(lines) if lines is not None else self.lines.exists()

    def nothing_delivered(self) -> bool:
        lines = loaded(self, "lines")
        if lines is not None:
            return not any(line.qty_delivered > 0 for line in lines)
        return not self.lines.filter(qty_delivered__gt=0).exists()

    def fully_delivered(self) -> bool:
        lines = loaded(self, "lines")
        if lines is not None:
            return not any(line.deliver_remainder > 0 for line in lines)
        return not self.lines.filter(quantity__gt=F("qty_delivered") + F("qty_closed_short")).exists()

    def fully_invoiced(self) -> bool:
        lines = loaded(self, "lines")
        if lines is not None:
            return self.fully_delivered() and not any(line.invoice_remainder > 0 for line in lines)
        return (
            self.fully_delivered()
            and not self.lines.filter(qty_invoiced__lt=F("qty_delivered") + F("qty_credited")).exists()
        )

    # What the order's type allows comes from its policy (salesapp/order_types.py), never from the type's name.
    def not_journal(self) -> bool:
        return policy_for(self.order_type).confirmable

    def is_approval_requester(self, user) -> bool:
        """Whether ``user`` asked for the pending approval: separation of duties, they do not decide it."""
        return self.state == OrderState.PENDING_APPROVAL and self.approval_requested_by_id == user.pk

    def is_open(self) -> bool:
        return self.state == OrderState.OPEN

    def is_deliverable_state(self) -> bool:
        return self.state in (OrderState.CONFIRMED, OrderState.DELIVERED)

    def refusal_context(self) -> dict:
        shipped = self.lines.aggregate(total=models.Sum("qty_delivered"))["total"] or ZERO
        return {"shipped": f"{shipped.normalize():f}", "hold_reason": self.hold_reason}

    # The rules of the order's actions that are not transitions of its own: changing its lines, and the
    # documents made from it (a packing slip here, an invoice in invoicing).
    EDIT_RULES = (
        Refusal(
            is_open,
            _("Order %(number)s is %(state)s: its lines, type, dates and references only change while it is open."),
            shown=False,
        ),
    )
    DELIVER_RULES = (
        Refusal(
            lambda order: order.state != OrderState.OPEN, _("Order %(number)s is open: confirm it first."), shown=False
        ),
        Refusal(
            lambda order: order.state != OrderState.PENDING_APPROVAL,
            _("Order %(number)s is waiting for a sales manager's approval."),
        ),
        Refusal(
            lambda order: order.state not in (OrderState.CANCELED, OrderState.INVOICED),
            _("Order %(number)s is %(state)s."),
            shown=False,
        ),
        Refusal(
            lambda order: policy_for(order.order_type).deliverable,
            _("A journal order cannot be delivered or invoiced."),
        ),
        Refusal(
            lambda order: not order.on_hold,
            _("Order %(number)s is on hold: %(hold_reason)s. A sales manager can release it."),
        ),
        Refusal(lambda order: not order.fully_delivered(), _("Order %(number)s is fully delivered."), shown=False),
    )
    INVOICE_RULES = (
        *DELIVER_RULES[:5],
        Refusal(
            lambda order: policy_for(order.order_type).invoiceable,
            _("An item requirement order is invoiced through its project, not from the order."),
        ),
    )
    # The order confirmation (salesapp.services.order_confirmations): once the order is agreed, until canceled.
    CONFIRMATION_RULES = (
        Refusal(
            lambda order: order.state in (OrderState.CONFIRMED, OrderState.DELIVERED, OrderState.INVOICED),
            "",
            shown=False,
        ),
    )
    # Closing the remainder short (salesapp.services.order_remainders): a partly delivered, confirmed order.
    CLOSE_REMAINDER_RULES = (
        Refusal(lambda order: order.state == OrderState.CONFIRMED, "", shown=False),
        Refusal(
            lambda order: not order.nothing_delivered(),
            _("Nothing is delivered yet: cancel the order instead of closing its remainder."),
            shown=False,
        ),
    )

    # Entering a returned order for goods of this order (salesapp.services.returns): something was delivered.
    RETURN_RULES = (
        Refusal(lambda order: not policy_for(order.order_type).receives, "", shown=False),
        Refusal(
            lambda order: order.state in (OrderState.CONFIRMED, OrderState.DELIVERED, OrderState.INVOICED),
            "",
            shown=False,
        ),
        Refusal(lambda order: not order.nothing_delivered(), "", shown=False),
    )

    # Billing a subscription's period (salesapp.services.subscriptions, invoicing.services.subscriptions): the
    # rules a billing run and its preview read, besides the period being due.
    BILL_RULES = (
        Refusal(
            lambda order: policy_for(order.order_type).reopens_after_invoice,
            lambda order: gettext("Order %(number)s is not a subscription.") % {"number": order.number},
        ),
        Refusal(
            lambda order: not order.subscription_ended(),
            lambda order: (
                gettext("Subscription %(number)s ended on %(date)s.")
                % {"number": order.number, "date": order.subscription_end_date.isoformat()}
            ),
        ),
        # Messages as callables: a preview asks them for many orders, without the context's query per order.
        Refusal(
            lambda order: order.state in (OrderState.CONFIRMED, OrderState.DELIVERED),
            lambda order: (
                gettext("Order %(number)s is %(state)s: a subscription is billed once it is confirmed.")
                % {"number": order.number, "state": order.get_state_display()}
            ),
        ),
        Refusal(
            lambda order: not order.on_hold,
            lambda order: (
                gettext("Order %(number)s is on hold: %(hold_reason)s. A sales manager can release it.")
                % {"number": order.number, "hold_reason": order.hold_reason}
            ),
        ),
        CUSTOMER_NOT_BLOCKED,
        Refusal(
            lambda order: order.amount_net > 0,
            lambda order: (
                gettext("Order %(number)s has nothing with a price to bill: give its lines their prices.")
                % {"number": order.number}
            ),
        ),
    )

    PERIOD_MONTHS = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.YEARLY: 12}

    def period_after(self, start):
        """The first day of the period after the one starting on ``start``: on the billing day, or the last day
        of a month too short for it."""
        following = months_added(start, self.PERIOD_MONTHS[self.billing_period])
        day = min(self.billing_day or start.day, calendar.monthrange(following.year, following.month)[1])
        return following.replace(day=day)

    def period_end(self, start):
        """The last day of the period starting on ``start``."""
        return self.period_after(start) - datetime.timedelta(days=1)

    def subscription_ended(self) -> bool:
        """Whether the subscription has no period left to bill: its next one starts after its end date."""
        return bool(
            self.subscription_end_date
            and self.next_billing_date
            and self.next_billing_date > self.subscription_end_date
        )

    def billing_due(self, *, bill_until) -> bool:
        return self.next_billing_date is not None and self.next_billing_date <= bill_until

    def billing_refusal(self, *, bill_until) -> str | None:
        """Why the next period of this subscription cannot be billed in a run up to ``bill_until``, or None."""
        reason = first_refusal(self.BILL_RULES[:2], self)
        if reason is None and not self.billing_due(bill_until=bill_until):
            reason = gettext("Subscription %(number)s is billed next on %(date)s.") % {
                "number": self.number,
                "date": self.next_billing_date.isoformat(),
            }
        return reason or first_refusal(self.BILL_RULES[2:], self)

    # Putting the order on hold (salesapp.services.orders.order_hold); the page hides the button instead.
    HOLD_RULES = (
        Refusal(
            lambda order: not order.on_hold,
            _("Order %(number)s is on hold already: %(hold_reason)s."),
            shown=False,
        ),
        Refusal(
            lambda order: order.state not in (OrderState.INVOICED, OrderState.CANCELED),
            _("Order %(number)s is %(state)s: there is nothing left to hold."),
            shown=False,
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("edit", "deliver", "invoice"), which is not a transition of the order, cannot run now."""
        rules = {"edit": self.EDIT_RULES, "deliver": self.DELIVER_RULES, "invoice": self.INVOICE_RULES}[action]
        return first_refusal(rules, self)

    CONFIRM_CONDITIONS = [
        Refusal(has_lines, _("Add at least one line before confirming the order.")),
        CUSTOMER_NOT_BLOCKED,
        Refusal(not_journal, _("A journal order is a draft: change its type to Sales order before confirming.")),
    ]

    @document_transition(
        field=state,
        source=OrderState.OPEN,
        target=OrderState.CONFIRMED,
        label=_("Confirm"),
        conditions=CONFIRM_CONDITIONS,
        permission="salesapp.confirm_salesorder",
        refused_in_state=_("Order %(number)s is %(state)s: only open orders can be confirmed."),
        code=ErrorCode.ORDER_NOT_CONFIRMABLE,
        order=10,
    )
    def confirm(self, *, by=None):
        self.confirmed_at = timezone.now()

    # Taken by order_confirm instead of confirm when the credit check or the approval threshold asks for a
    # manager's approval (salesapp/selectors/credit.py): the same conditions as confirming.
    @document_transition(
        field=state,
        source=OrderState.OPEN,
        target=OrderState.PENDING_APPROVAL,
        label=_("Approval requested"),
        conditions=CONFIRM_CONDITIONS,
        permission="salesapp.confirm_salesorder",
        refused_in_state=_("Order %(number)s is %(state)s: only open orders can be confirmed."),
        code=ErrorCode.ORDER_NOT_CONFIRMABLE,
        reason_label=_("Why approval is needed"),
        automatic=True,
    )
    def request_approval(self, *, by=None, description=None):
        self.approval_requested_by = by
        self.approval_requested_at = timezone.now()
        self.approval_reason = str(description or "")

    @document_transition(
        field=state,
        source=OrderState.PENDING_APPROVAL,
        target=OrderState.CONFIRMED,
        label=_("Approve"),
        conditions=CONFIRM_CONDITIONS[1:2],
        permission="salesapp.approve_salesorder",
        refused_in_state=_("Order %(number)s is %(state)s: only orders waiting for approval can be approved."),
        code=ErrorCode.ORDER_NOT_APPROVABLE,
        reason_label=_("Comment"),
        order=5,
    )
    def approve(self, *, by=None, description=None):
        self.confirmed_at = timezone.now()

    @document_transition(
        field=state,
        source=OrderState.PENDING_APPROVAL,
        target=OrderState.OPEN,
        label=_("Reject"),
        permission="salesapp.approve_salesorder",
        refused_in_state=_("Order %(number)s is %(state)s: only orders waiting for approval can be rejected."),
        code=ErrorCode.ORDER_NOT_APPROVABLE,
        reason_label=_("Comment"),
        reason_required=True,
        order=6,
    )
    def reject(self, *, by=None, description=None):
        pass

    @document_transition(
        field=state,
        source=[OrderState.OPEN, OrderState.CONFIRMED],
        target=OrderState.CANCELED,
        label=_("Cancel order"),
        conditions=[
            Refusal(
                nothing_delivered,
                _(
                    "%(shipped)s units already shipped: the order can no longer be canceled. Close the undelivered "
                    "remainder instead, or create a returned order for what came back."
                ),
            )
        ],
        permission="salesapp.cancel_salesorder",
        refused_in_state=_("Order %(number)s is %(state)s: it can no longer be canceled."),
        code=ErrorCode.ORDER_NOT_CANCELABLE,
        confirm=_("Cancel this order? This cannot be undone."),
        reason_label=_("Cancel reason"),
        order=90,
    )
    def cancel(self, *, by=None, description=None):
        self.canceled_at = timezone.now()
        self.cancel_reason = str(description or "")

    # Reached only through order_process, never by a button (DESIGN.md §4.2).
    @document_transition(
        field=state,
        source=OrderState.CONFIRMED,
        target=OrderState.DELIVERED,
        label=_("Delivered"),
        conditions=[Refusal(fully_delivered, _("Order %(number)s still has quantities to deliver."))],
        code=ErrorCode.ORDER_NOT_DELIVERED,
        automatic=True,
    )
    def mark_delivered(self, *, by=None):
        pass

    @document_transition(
        field=state,
        source=OrderState.DELIVERED,
        target=OrderState.INVOICED,
        label=_("Invoiced"),
        conditions=[Refusal(fully_invoiced, _("Order %(number)s still has quantities to invoice."))],
        code=ErrorCode.ORDER_NOT_INVOICED,
        automatic=True,
    )
    def mark_invoiced(self, *, by=None):
        pass

    # A canceled packing slip gives its quantities back to a delivered order: it has something to deliver again.
    # Reached only through order_process, never by a button.
    @document_transition(
        field=state,
        source=OrderState.DELIVERED,
        target=OrderState.CONFIRMED,
        label=_("Delivery reopened"),
        conditions=[
            Refusal(lambda order: not order.fully_delivered(), _("Order %(number)s has nothing left to deliver."))
        ],
        code=ErrorCode.ORDER_NOT_DELIVERED,
        automatic=True,
    )
    def reopen_delivery(self, *, by=None):
        pass

    # A canceled invoice gives its quantities back to an invoiced order: it has something to invoice again.
    # Reached only through order_process, never by a button.
    @document_transition(
        field=state,
        source=OrderState.INVOICED,
        target=OrderState.DELIVERED,
        label=_("Invoicing reopened"),
        conditions=[
            Refusal(lambda order: order.fully_delivered(), _("Order %(number)s still has quantities to deliver.")),
            Refusal(lambda order: not order.fully_invoiced(), _("Order %(number)s has nothing left to invoice.")),
        ],
        code=ErrorCode.ORDER_NOT_INVOICED,
        automatic=True,
    )
    def reopen_invoicing(self, *, by=None):
        pass

    # The reference's subscription "returns to Open order" after each invoice; its "Open order" means not yet
    # delivered, which is our confirmed (our open is the unconfirmed draft, which a billing run could not bill
    # without confirming and checking credit again every period). So a billed period takes the order from
    # invoiced back to confirmed, reached only through the billing service (salesapp.services.subscriptions)
    # once it has kept the period's quantities and reset the ledger; never a button.
    @document_transition(
        field=state,
        source=OrderState.INVOICED,
        target=OrderState.CONFIRMED,
        label=_("Renewed for the next period"),
        conditions=[
            Refusal(
                lambda order: policy_for(order.order_type).reopens_after_invoice,
                _("Order %(number)s is not a subscription: it is not renewed after its invoice."),
            ),
            Refusal(
                lambda order: order.nothing_delivered(),
                _("Order %(number)s still carries the quantities of its last period."),
            ),
        ],
        code=ErrorCode.ORDER_NOT_RENEWABLE,
        automatic=True,
    )
    def renew(self, *, by=None):
        pass


class SalesOrderLine(DocumentLine):
    order = models.ForeignKey(SalesOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    requested_ship_date = models.DateField(_("requested ship date"), null=True, blank=True)
    confirmed_ship_date = models.DateField(_("confirmed ship date"), null=True, blank=True)
    # The agreement line the line was released from: its ledger is the agreement's fulfilment.
    agreement_line = models.ForeignKey(
        "salesapp.SalesAgreementLine",
        verbose_name=_("sales agreement line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
    )
    # On a returned order: the line of the customer's order that is coming back (its price is credited).
    returned_line = models.ForeignKey(
        "self",
        verbose_name=_("returned order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_lines",
    )
    # The per-line quantity ledger (DESIGN.md §4.3): written only by posting services.
    qty_delivered = QuantityField(_("delivered"), editable=False)
    qty_returned = QuantityField(_("returned"), editable=False)
    qty_invoiced = QuantityField(_("invoiced"), editable=False)
    qty_credited = QuantityField(_("credited"), editable=False)
    qty_closed_short = QuantityField(_("closed short"), editable=False)
    # Why the undelivered remainder was closed (salesapp.services.order_remainders), shown on the line.
    close_short_reason = models.CharField(_("close short reason"), max_length=300, blank=True, editable=False)
    # On-hand stock promised to the line while it waits to be delivered (salesapp.services.reservations).
    qty_reserved = QuantityField(_("reserved"), editable=False)
    supply = models.CharField(_("supply"), max_length=20, choices=LineSupply.choices, default=LineSupply.STOCK)

    class Meta(DocumentLine.Meta):
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_no_unique"),
            line_kind_constraint("order_line_kind"),
            models.CheckConstraint(
                condition=Q(qty_delivered__gte=0) & Q(qty_invoiced__gte=0) & Q(qty_closed_short__gte=0),
                name="order_line_ledger_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(qty_delivered__lte=F("quantity") - F("qty_closed_short")),
                name="order_line_not_over_delivered",
            ),
            models.CheckConstraint(
                condition=Q(qty_invoiced__lte=F("qty_delivered") + F("qty_credited")),
                name="order_line_not_over_invoiced",
            ),
            # Received back on return receipts: never more than was delivered.
            models.CheckConstraint(
                condition=Q(qty_returned__gte=0) & Q(qty_returned__lte=F("qty_delivered")),
                name="order_line_not_over_returned",
            ),
            # Stock is promised only to what is still to deliver.
            models.CheckConstraint(
                condition=Q(qty_reserved__gte=0)
                & Q(qty_reserved__lte=F("quantity") - F("qty_delivered") - F("qty_closed_short")),
                name="order_line_reserved_within_remainder",
            ),
        ]
        indexes = [
            # The backorder views and the reservations read the lines still to deliver, per item.
            models.Index(
                fields=["item", "confirmed_ship_date"],
                name="order_line_waiting_by_item",
                condition=Q(qty_delivered__lt=F("quantity") - F("qty_closed_short")),
            ),
        ]

    def __str__(self):
        return f"{self.order.number}/{self.line_no}"

    @property
    def deliver_remainder(self):
        return self.quantity - self.qty_delivered - self.qty_closed_short

    @property
    def invoice_remainder(self):
        return self.qty_delivered - self.qty_invoiced + self.qty_credited

    @property
    def kept(self):
        """Delivered and not received back: what a returned order may still take back (before other returns)."""
        return self.qty_delivered - self.qty_returned
