"""Sales agreements (DESIGN.md §4.2): a customer's commitment to buy a quantity or value over a period, at agreed
prices; orders are released from it while it is effective.

Fulfilment is never stored: it is read from the ledger of the order lines released from each agreement line
(``salesapp.selectors.agreements``). Every change to an effective agreement is a new version, frozen by the
database (migration ``sales_agreement_versions_immutable``)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates, Versioned
from core.loaded import loaded
from core.models import AuthoredModel
from core.money import MoneyField, PercentField, PriceField, QuantityField
from core.search import trigram_index
from core.transitions import Refusal, document_transition, first_refusal
from salesapp.choices import AgreementState, CommitmentType, Currency
from salesapp.errors import ErrorCode
from salesapp.models.customers import CUSTOMER_NOT_BLOCKED

# The commitment types whose lines name an item (a total value commitment is over anything the customer buys).
ITEM_COMMITMENTS = (CommitmentType.PRODUCT_QUANTITY, CommitmentType.PRODUCT_VALUE, CommitmentType.NONE)
VALUE_COMMITMENTS = (CommitmentType.PRODUCT_VALUE, CommitmentType.TOTAL_VALUE)
# The line fields each commitment type uses; a line giving another is refused, saying why. One table for the
# service's checks, the line form's fields and the API's help.
LINE_FIELDS_BY_COMMITMENT = {
    CommitmentType.PRODUCT_QUANTITY: ("item", "committed_quantity", "unit_price", "discount_percent"),
    CommitmentType.PRODUCT_VALUE: ("item", "committed_amount", "unit_price", "discount_percent"),
    CommitmentType.TOTAL_VALUE: ("committed_amount",),
    CommitmentType.NONE: ("item", "unit_price", "discount_percent"),
}


class SalesAgreement(ConcurrentStates, AuthoredModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sales_agreements"
    )
    commitment_type = models.CharField(
        _("commitment type"), max_length=20, choices=CommitmentType.choices, default=CommitmentType.PRODUCT_QUANTITY
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    # For lines without a discount of their own, and for everything bought under a total value commitment.
    default_discount_percent = PercentField(_("default discount %"))
    description = models.TextField(_("description"), blank=True)
    state = FSMField(
        _("status"),
        max_length=20,
        choices=AgreementState.choices,
        default=AgreementState.ON_HOLD,
        protected=True,
        db_index=True,
    )
    version_count = models.PositiveIntegerField(_("versions"), default=0, editable=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sales agreement")
        verbose_name_plural = _("sales agreements")
        ordering = ["-id"]
        indexes = [
            trigram_index("number", name="salesagreement_number_trgm"),
            models.Index(fields=["customer", "state", "valid_to"], name="salesagreement_customer_idx"),
            models.Index(fields=["state", "valid_to"], name="salesagreement_state_valid_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="salesagreement_period_ordered"),
            models.CheckConstraint(
                condition=Q(default_discount_percent__gte=0, default_discount_percent__lte=100),
                name="salesagreement_default_discount_range",
            ),
        ]
        permissions = [
            ("release_salesagreement", "Can release orders from sales agreement"),
        ]

    def __str__(self):
        return self.number

    @property
    def has_items(self) -> bool:
        return self.commitment_type in ITEM_COMMITMENTS

    @property
    def commits_value(self) -> bool:
        return self.commitment_type in VALUE_COMMITMENTS

    @property
    def commits(self) -> bool:
        return self.commitment_type != CommitmentType.NONE

    def covers(self, date) -> bool:
        return self.valid_from <= date <= self.valid_to

    # Conditions are pure predicates.
    def has_lines(self) -> bool:
        lines = loaded(self, "lines")
        return bool(lines) if lines is not None else self.lines.exists()

    def not_ended(self) -> bool:
        return self.valid_to >= timezone.localdate()

    def is_effective(self) -> bool:
        return self.state == AgreementState.EFFECTIVE

    def refusal_context(self) -> dict:
        return {"valid_from": self.valid_from.isoformat(), "valid_to": self.valid_to.isoformat()}

    EDIT_RULES = (
        Refusal(
            lambda agreement: agreement.state in (AgreementState.ON_HOLD, AgreementState.EFFECTIVE),
            _("Agreement %(number)s is %(state)s: it no longer changes."),
            shown=False,
        ),
    )
    # Who it is with, what is committed and in which currency are the agreement itself: they change only on
    # hold, before orders are released against them.
    TERMS_RULES = (
        Refusal(
            lambda agreement: agreement.state == AgreementState.ON_HOLD,
            _("Agreement %(number)s is %(state)s: its customer, commitment type and currency change only on hold."),
            shown=False,
        ),
    )
    RELEASE_RULES = (
        Refusal(
            is_effective,
            _("Agreement %(number)s is %(state)s: orders are released only from an effective agreement."),
        ),
        CUSTOMER_NOT_BLOCKED,
        Refusal(
            not_ended,
            _("Agreement %(number)s ended on %(valid_to)s: no more orders are released from it."),
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("edit", "terms", "release"), which is not a transition, cannot run now."""
        rules = {"edit": self.EDIT_RULES, "terms": self.TERMS_RULES, "release": self.RELEASE_RULES}[action]
        return first_refusal(rules, self)

    @document_transition(
        field=state,
        source=AgreementState.ON_HOLD,
        target=AgreementState.EFFECTIVE,
        label=_("Activate"),
        conditions=[
            Refusal(has_lines, _("Add at least one line before activating the agreement.")),
            Refusal(not_ended, _("Agreement %(number)s ended on %(valid_to)s: extend its validity first.")),
            CUSTOMER_NOT_BLOCKED,
        ],
        permission="salesapp.change_salesagreement",
        refused_in_state=_("Agreement %(number)s is %(state)s: only an agreement on hold can be activated."),
        code=ErrorCode.SALES_AGREEMENT_NOT_ACTIVATABLE,
        order=10,
    )
    def activate(self, *, by=None):
        self.activated_at = timezone.now()

    @document_transition(
        field=state,
        source=AgreementState.EFFECTIVE,
        target=AgreementState.ON_HOLD,
        label=_("Put on hold"),
        permission="salesapp.change_salesagreement",
        refused_in_state=_("Agreement %(number)s is %(state)s: only an effective agreement can be put on hold."),
        code=ErrorCode.SALES_AGREEMENT_NOT_HOLDABLE,
        reason_label=_("Reason"),
        order=30,
    )
    def hold(self, *, by=None, description=None):
        pass

    @document_transition(
        field=state,
        source=AgreementState.EFFECTIVE,
        target=AgreementState.CLOSED,
        label=_("Close"),
        permission="salesapp.change_salesagreement",
        refused_in_state=_("Agreement %(number)s is %(state)s: only an effective agreement can be closed."),
        code=ErrorCode.SALES_AGREEMENT_NOT_CLOSABLE,
        confirm=_("Close this agreement? No more orders can be released from it."),
        reason_label=_("Reason"),
        order=80,
    )
    def close(self, *, by=None, description=None):
        self.closed_at = timezone.now()

    @document_transition(
        field=state,
        source=AgreementState.ON_HOLD,
        target=AgreementState.CANCELED,
        label=_("Cancel agreement"),
        permission="salesapp.change_salesagreement",
        refused_in_state=_("Agreement %(number)s is %(state)s: only an agreement on hold can be canceled."),
        code=ErrorCode.SALES_AGREEMENT_NOT_CANCELABLE,
        confirm=_("Cancel this agreement? This cannot be undone."),
        reason_label=_("Reason"),
        order=90,
    )
    def cancel(self, *, by=None, description=None):
        self.closed_at = timezone.now()


class SalesAgreementLine(Versioned):
    """One agreed item (none under a total value commitment): its commitment, price and discount.

    Which of item, committed quantity, committed amount and unit price a line carries follows from the
    agreement's commitment type (``salesapp.services.agreements``); the database keeps the amounts in range."""

    agreement = models.ForeignKey(
        SalesAgreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(
        "salesapp.Item", verbose_name=_("item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_quantity = QuantityField(_("committed quantity"), null=True, blank=True, default=None)
    committed_amount = MoneyField(_("committed amount"), null=True, blank=True, default=None)
    unit_price = PriceField(_("unit price"), null=True, blank=True, default=None)
    # None: the agreement's default discount.
    discount_percent = PercentField(_("discount %"), null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("sales agreement line")
        verbose_name_plural = _("sales agreement lines")
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "line_no"], name="salesagreement_line_no_unique"),
            models.UniqueConstraint(
                fields=["agreement", "item"], condition=Q(item__isnull=False), name="salesagreement_item_once"
            ),
            models.CheckConstraint(
                condition=Q(committed_quantity__isnull=True) | Q(committed_quantity__gt=0),
                name="salesagreement_line_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(committed_amount__isnull=True) | Q(committed_amount__gt=0),
                name="salesagreement_line_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0), name="salesagreement_line_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True) | Q(discount_percent__gte=0, discount_percent__lte=100),
                name="salesagreement_line_discount_range",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.number}/{self.line_no}"

    @property
    def label(self) -> str:
        return self.item.number if self.item_id else gettext("Any item")

    @property
    def committed(self):
        """The line's commitment in its own measure (quantity or amount), None for a price-only line."""
        return self.committed_quantity if self.committed_quantity is not None else self.committed_amount


class SalesAgreementVersion(models.Model):
    """An effective agreement as it stood after a change: who, when, the header and lines as JSON, and what
    changed from the version before. Never changed or deleted (a database trigger refuses it)."""

    agreement = models.ForeignKey(
        SalesAgreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    changes = models.JSONField(_("what changed"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("sales agreement version")
        verbose_name_plural = _("sales agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="salesagreement_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="salesagreement_version_positive"),
        ]

    def __str__(self):
        return f"{self.agreement.number} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"
