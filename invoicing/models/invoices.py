import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.loaded import loaded
from core.models import AuthoredModel
from core.money import MoneyField, PercentField
from core.search import trigram_index
from core.transitions import Refusal, document_transition, first_refusal
from invoicing.choices import CreditKind, InvoiceBasis, InvoiceKind, InvoiceState, PaymentState
from invoicing.errors import ErrorCode
from salesapp.choices import Currency
from salesapp.models.lines import DocumentLine

ONE_DRAFT_PER_ORDER = "invoice_one_draft_per_order"
SLIP_LINE_CLAIMED = "invoice_line_one_draft_per_slip_line"


class Invoice(ConcurrentStates, AuthoredModel):
    """A customer invoice. Posted invoices are immutable: a service guard and a database trigger
    (migrations 0002 and 0007) refuse any change but payment progress, and that only as the payments applied
    to it justify."""

    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    order = models.ForeignKey(
        "salesapp.SalesOrder",
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    # Set when the invoice was made directly from an accepted quotation (services sold without an order).
    quotation = models.OneToOneField(
        "salesapp.Quotation",
        verbose_name=_("quotation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The subscription period the invoice bills (invoicing.services.subscriptions): one invoice per period.
    subscription_period = models.OneToOneField(
        "salesapp.SubscriptionPeriod",
        verbose_name=_("subscription period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
    )
    basis = models.CharField(_("basis"), max_length=20, choices=InvoiceBasis.choices, default=InvoiceBasis.ORDER)
    # A credit note (from a returned order) carries negative quantities and amounts, so every sum of invoices
    # (balance, receivables, revenue) nets it without asking the kind; its numbers come from its own series.
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=InvoiceKind.choices,
        default=InvoiceKind.INVOICE,
        db_default=InvoiceKind.INVOICE,
        editable=False,
    )
    # Numbered at posting from a locked counter: drafts carry no number, so the series has no gaps.
    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    state = FSMField(
        _("status"),
        max_length=20,
        choices=InvoiceState.choices,
        default=InvoiceState.DRAFT,
        protected=True,
        db_index=True,
    )
    payment_state = FSMField(
        _("payment status"),
        max_length=20,
        choices=PaymentState.choices,
        default=PaymentState.UNPAID,
        protected=True,
        db_index=True,
    )
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount_net = MoneyField(_("net amount"), editable=False)
    amount_tax = MoneyField(_("tax amount"), editable=False)
    amount_total = MoneyField(_("total"), editable=False)
    amount_paid = MoneyField(_("paid"), editable=False)
    pdf = models.FileField(_("PDF"), upload_to="invoices/%Y/", blank=True, editable=False)
    # Terms typed on the invoice itself (a free text invoice); empty: the order's or the customer's terms.
    terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), null=True, blank=True)
    customer_reference = models.CharField(
        _("customer reference"), max_length=100, blank=True, default="", db_default=""
    )
    # A credit note names the invoice it credits (invoicing.services.credit_notes); the invoice lists them.
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credited invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        editable=False,
    )
    credit_kind = models.CharField(
        _("credit kind"), max_length=20, choices=CreditKind.choices, null=True, blank=True, editable=False
    )
    credit_reason = models.CharField(_("reason"), max_length=500, blank=True, default="", db_default="", editable=False)
    # The draft made by correcting a posted invoice names the canceled invoice it replaces.
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        editable=False,
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-id"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [trigram_index("number", name="invoice_number_trgm")]
        permissions = [("post_invoice", "Can post invoice"), ("cancel_invoice", "Can cancel invoice")]
        constraints = [
            # An order has at most one draft invoice (posting the first decides what the second may bill).
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(state=InvoiceState.DRAFT), name=ONE_DRAFT_PER_ORDER
            ),
            # A direct invoice bills no order; only a direct invoice comes from a quotation.
            models.CheckConstraint(
                condition=~models.Q(basis=InvoiceBasis.DIRECT) | models.Q(order__isnull=True),
                name="invoice_direct_has_no_order",
            ),
            models.CheckConstraint(
                condition=models.Q(quotation__isnull=True) | models.Q(basis=InvoiceBasis.DIRECT),
                name="invoice_quotation_is_direct",
            ),
            # A free text invoice bills neither an order, a quotation nor a subscription period.
            models.CheckConstraint(
                condition=~models.Q(basis=InvoiceBasis.FREE_TEXT)
                | models.Q(order__isnull=True, quotation__isnull=True, subscription_period__isnull=True),
                name="invoice_free_text_stands_alone",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind=InvoiceKind.INVOICE) & models.Q(amount_total__gte=0))
                | (models.Q(kind=InvoiceKind.CREDIT_NOTE) & models.Q(amount_total__lte=0)),
                name="invoice_sign_follows_kind",
            ),
            # A credit note says what it credits; an invoice credits nothing.
            models.CheckConstraint(
                condition=(models.Q(kind=InvoiceKind.CREDIT_NOTE) & models.Q(credit_kind__isnull=False))
                | (models.Q(kind=InvoiceKind.INVOICE) & models.Q(credit_kind__isnull=True)),
                name="invoice_credit_kind_iff_credit_note",
            ),
            models.CheckConstraint(
                condition=models.Q(credited_invoice__isnull=True) | models.Q(kind=InvoiceKind.CREDIT_NOTE),
                name="invoice_only_credit_notes_credit",
            ),
            # A summary invoice bills packing slips of several orders: its lines name them, the invoice none.
            models.CheckConstraint(
                condition=~models.Q(basis=InvoiceBasis.SUMMARY) | models.Q(order__isnull=True),
                name="invoice_summary_has_no_order",
            ),
        ]

    def __str__(self):
        if self.number:
            return self.number
        draft = _("Draft credit note") if self.is_credit_note else _("Draft invoice")
        return f"{draft} #{self.pk}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def payment_terms_days(self) -> int:
        """The terms it is due on: an order's invoice on the terms agreed for the order, a direct invoice on the
        customer's, unless terms were typed on the invoice. A credit note is due at once: it is what the customer
        may set off against what it owes."""
        if self.is_credit_note:
            return 0
        if self.terms_days is not None:
            return self.terms_days
        return self.order.payment_terms_days if self.order_id else self.customer.payment_terms_days

    @property
    def amount_open(self):
        return self.amount_total - self.amount_paid

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.state == InvoiceState.POSTED
            and not self.is_credit_note
            and self.payment_state != PaymentState.PAID
            and self.due_date is not None
            and self.due_date < today
        )

    @property
    def is_free_text(self) -> bool:
        return self.basis == InvoiceBasis.FREE_TEXT

    def has_lines(self) -> bool:
        lines = loaded(self, "lines")
        return bool(lines) if lines is not None else self.lines.exists()

    # The rules of the invoice's actions that are not transitions: deleting a draft, registering a payment.
    DELETE_RULES = (
        Refusal(lambda invoice: invoice.state != InvoiceState.CANCELED, _("The invoice is canceled.")),
        Refusal(
            lambda invoice: invoice.state != InvoiceState.POSTED,
            _("Invoice %(number)s is posted and cannot be deleted: correct it with a credit note."),
        ),
    )
    PAY_RULES = (
        Refusal(
            lambda invoice: not invoice.is_credit_note,
            _("A credit note is not paid: it lowers what the customer owes on the account."),
        ),
        Refusal(
            lambda invoice: invoice.state == InvoiceState.POSTED,
            _("Payments can be registered once the invoice is posted."),
        ),
        Refusal(
            lambda invoice: invoice.payment_state != PaymentState.PAID,
            _("The invoice is paid in full: no payment to register."),
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("delete", "pay"), which is not a transition of the invoice, cannot run now."""
        return first_refusal({"delete": self.DELETE_RULES, "pay": self.PAY_RULES}[action], self)

    def refusal_context(self) -> dict:
        return {"number": self.number or _("draft")}

    @document_transition(
        field=state,
        source=InvoiceState.DRAFT,
        target=InvoiceState.POSTED,
        label=_("Post"),
        conditions=[Refusal(has_lines, _("The invoice has no lines to post."))],
        permission="invoicing.post_invoice",
        refused_in_state=lambda invoice: (
            gettext("The invoice is canceled.")
            if invoice.state == InvoiceState.CANCELED
            else gettext("Invoice %(number)s is posted and cannot be posted again: correct it with a credit note.")
            % {"number": invoice.number}
        ),
        code=ErrorCode.INVOICE_NOT_POSTABLE,
        confirm=_("Post this invoice? It gets its number and can then only be corrected with a credit note."),
    )
    def post(self, *, number: str, invoice_date: datetime.date, due_date: datetime.date, by=None):
        self.number = number
        self.invoice_date = invoice_date
        self.due_date = due_date
        self.posted_at = timezone.now()
        self.posted_by = by

    # Payment progress is derived from applied payments by invoice_payment_refresh.
    @document_transition(
        field=payment_state,
        source=[PaymentState.UNPAID, PaymentState.PAID],
        target=PaymentState.PARTIALLY_PAID,
        label=_("Partially paid"),
        code=ErrorCode.INVOICE_NOT_PAYABLE,
        automatic=True,
    )
    def pay_partially(self, *, by=None):
        pass

    @document_transition(
        field=payment_state,
        source=[PaymentState.UNPAID, PaymentState.PARTIALLY_PAID],
        target=PaymentState.PAID,
        label=_("Paid"),
        code=ErrorCode.INVOICE_NOT_PAYABLE,
        automatic=True,
    )
    def pay_fully(self, *, by=None):
        pass

    # An un-applied payment or set-off leaves nothing settled.
    @document_transition(
        field=payment_state,
        source=[PaymentState.PARTIALLY_PAID, PaymentState.PAID],
        target=PaymentState.UNPAID,
        label=_("Unpaid"),
        code=ErrorCode.INVOICE_NOT_PAYABLE,
        automatic=True,
    )
    def pay_none(self, *, by=None):
        pass

    # Canceling is for a mistake caught before any money moved: the full credit note that cancels the invoice
    # is posted by invoicing.services.credit_notes.invoice_cancel, which then fires this on the invoice's row
    # (the database trigger lets a posted invoice become canceled only once that credit note exists).
    CANCEL_CONDITIONS = [
        # A credit note's page and a paid invoice's page do not offer canceling at all (nothing to explain there);
        # a partly paid invoice's page says why it is not offered. The service gives the reason in every case.
        Refusal(
            lambda invoice: not invoice.is_credit_note,
            _("%(number)s is a credit note: a credit note is not canceled; credit the invoice again if needed."),
            shown=False,
        ),
        Refusal(
            lambda invoice: invoice.payment_state != PaymentState.PAID,
            _("Invoice %(number)s is paid or partly paid: use a credit note and a refund."),
            shown=False,
        ),
        Refusal(
            lambda invoice: invoice.payment_state == PaymentState.UNPAID and not invoice.amount_paid,
            _("Invoice %(number)s is paid or partly paid: use a credit note and a refund."),
        ),
        Refusal(
            lambda invoice: invoice.subscription_period_id is None,
            _("Invoice %(number)s bills a subscription period: credit it with a credit note."),
        ),
        Refusal(
            lambda invoice: not invoice.has_credit_notes(),
            _("Invoice %(number)s has credit notes already: credit what remains with a credit note."),
        ),
    ]

    def has_credit_notes(self) -> bool:
        """Whether a credit note other than the one that cancels it credits the invoice."""
        notes = loaded(self, "credit_notes")
        if notes is not None:
            return any(note.credit_kind != CreditKind.CANCELLATION for note in notes)
        return self.credit_notes.exclude(credit_kind=CreditKind.CANCELLATION).exists()

    @document_transition(
        field=state,
        source=InvoiceState.POSTED,
        target=InvoiceState.CANCELED,
        label=_("Cancel"),
        conditions=CANCEL_CONDITIONS,
        permission="invoicing.cancel_invoice",
        refused_in_state=lambda invoice: (
            gettext("The invoice is canceled already.")
            if invoice.state == InvoiceState.CANCELED
            else gettext("A draft is not canceled: delete it.")
        ),
        code=ErrorCode.INVOICE_NOT_CANCELABLE,
        confirm=_(
            "Cancel this invoice? A credit note for all of it is posted today and the order can be invoiced again."
        ),
        order=60,
    )
    def cancel(self, *, by=None):
        pass


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "salesapp.SalesOrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    packing_slip_line = models.ForeignKey(
        "salesapp.PackingSlipLine",
        verbose_name=_("packing slip line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    revenue_account = models.ForeignKey(
        "invoicing.LedgerAccount",
        verbose_name=_("revenue account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # On a credit note: the invoice line it credits (what remains uncredited on that line caps it).
    credited_line = models.ForeignKey(
        "self",
        verbose_name=_("credited line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_lines",
    )
    # Set on the lines of a draft summary invoice, cleared when it is posted (its quantities are then booked on
    # the slip line, whose check constraint caps them): a slip line is on one draft at most, however many
    # billing runs draft at the same time (SLIP_LINE_CLAIMED).
    draft_claim = models.BooleanField(
        _("claims its packing slip line"), default=False, db_default=False, editable=False
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        # Invoices carry amounts only: comment lines stay on the quotation or order they explain.
        constraints = [
            models.CheckConstraint(condition=Q(tax_code__isnull=False), name="invoice_line_taxed"),
            models.UniqueConstraint(
                fields=["packing_slip_line"], condition=Q(draft_claim=True), name=SLIP_LINE_CLAIMED
            ),
            models.CheckConstraint(
                condition=Q(draft_claim=False) | Q(packing_slip_line__isnull=False),
                name="invoice_line_claim_names_slip_line",
            ),
        ]

    def __str__(self):
        return f"{self.invoice}/{self.line_no}"


class InvoiceTax(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="taxes")
    tax_code = models.ForeignKey("salesapp.TaxCode", verbose_name=_("tax code"), on_delete=models.PROTECT)
    rate = PercentField(_("rate %"))
    base = MoneyField(_("base"))
    amount = MoneyField(_("tax"))

    class Meta:
        verbose_name = _("invoice tax")
        verbose_name_plural = _("invoice taxes")
        ordering = ["tax_code__code"]
        constraints = [models.UniqueConstraint(fields=["invoice", "tax_code"], name="invoice_tax_code_unique")]

    def __str__(self):
        return f"{self.tax_code.code}: {self.amount}"
