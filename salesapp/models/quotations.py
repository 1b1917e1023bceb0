"""Quotations (DESIGN.md §4.2): an offer to a customer or a prospect party, sent as numbered revisions.

Sending freezes what the customer sees as a revision (r1, r2 …) unless the quotation still equals its last
revision; revising returns it to draft for changes; the customer accepts one exact revision. Revisions are
immutable, guarded by the database (migration ``quotation_revisions_immutable``)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.loaded import loaded
from core.models import AuthoredModel
from core.money import MoneyField
from core.search import trigram_index
from core.transitions import Refusal, document_transition, first_refusal
from salesapp.choices import Currency, QuotationLostReason, QuotationState
from salesapp.errors import ErrorCode
from salesapp.models.customers import CUSTOMER_NOT_BLOCKED
from salesapp.models.lines import DocumentLine, line_kind_constraint
from salesapp.models.queued_emails import QueuedEmail


def default_valid_until() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.SALESFLOW_QUOTATION_VALID_DAYS)


class Quotation(ConcurrentStates, AuthoredModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    # A quotation is for a customer or for a prospect party that has no customer account yet, never both.
    customer = models.ForeignKey(
        "salesapp.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
    )
    party = models.ForeignKey(
        "marketing.Party",
        verbose_name=_("prospect"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
    )
    quotation_date = models.DateField(_("quotation date"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), default=default_valid_until)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    requested_ship_date = models.DateField(_("requested ship date"), null=True, blank=True)
    external_document_number = models.CharField(_("external document number"), max_length=100, blank=True)
    terms = models.TextField(_("terms"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    # Attribution (DESIGN.md §3): campaign → opportunity → quotation → order keeps the campaign.
    opportunity = models.ForeignKey(
        "marketing.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
    )
    campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
    )
    state = FSMField(
        _("status"),
        max_length=20,
        choices=QuotationState.choices,
        default=QuotationState.DRAFT,
        protected=True,
        db_index=True,
    )
    # The highest revision frozen so far, and the revision the quotation still equals (None once it was
    # changed after its last send): sending freezes a new revision only when there is none to show.
    revision_count = models.PositiveIntegerField(_("revisions"), default=0, editable=False)
    current_revision = models.PositiveIntegerField(_("current revision"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_revision = models.PositiveIntegerField(_("accepted revision"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=20, choices=QuotationLostReason.choices, blank=True)
    lost_note = models.CharField(_("lost note"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sales_order = models.OneToOneField(
        "salesapp.SalesOrder",
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotation",
    )
    amount_net = MoneyField(_("net amount"), editable=False)
    amount_tax = MoneyField(_("tax amount"), editable=False)
    amount_total = MoneyField(_("total"), editable=False)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-id"]
        indexes = [
            trigram_index("number", name="quotation_number_trgm"),
            models.Index(fields=["state", "valid_until"], name="quotation_state_valid_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, party__isnull=True) | Q(customer__isnull=True, party__isnull=False),
                name="quotation_customer_xor_party",
            ),
            models.CheckConstraint(
                condition=Q(current_revision__isnull=True) | Q(current_revision__lte=models.F("revision_count")),
                name="quotation_current_revision_known",
            ),
        ]
        permissions = [
            ("send_quotation", "Can send quotation"),
            ("accept_quotation", "Can accept quotation"),
        ]

    def __str__(self):
        return self.number

    @property
    def party_id_for_timeline(self) -> int:
        return self.customer.party_id if self.customer_id else self.party_id

    @property
    def recipient_name(self) -> str:
        return self.customer.party.name if self.customer_id else self.party.name

    @property
    def is_prospect(self) -> bool:
        return self.customer_id is None

    @property
    def recipient_email(self) -> str:
        """Where the quotation is emailed unless another address is given: the party's (or customer's) email."""
        party = self.customer.party if self.customer_id else self.party
        return party.email.strip()

    # Conditions are pure predicates.
    def has_lines(self) -> bool:
        lines = loaded(self, "lines")
        return bool(lines) if lines is not None else self.lines.exists()

    def is_valid_today(self) -> bool:
        return self.valid_until >= timezone.localdate()

    def is_past_valid_until(self) -> bool:
        return not self.is_valid_today()

    def has_recipient_email(self) -> bool:
        return bool(self.recipient_email)

    def refusal_context(self) -> dict:
        return {
            "valid_until": self.valid_until.isoformat(),
            "revision": self.current_revision or "",
            "recipient": self.recipient_name,
        }

    EDIT_RULES = (
        Refusal(
            lambda quotation: quotation.state == QuotationState.DRAFT,
            _("Quotation %(number)s is %(state)s: it only changes while it is a draft (revise it first)."),
            shown=False,
        ),
    )

    # Emailing sends the revision the customer was last sent, so only a sent quotation is emailed.
    EMAIL_RULES = (
        Refusal(
            lambda quotation: quotation.state == QuotationState.SENT,
            _("Quotation %(number)s is %(state)s: only a sent quotation is emailed (send it first)."),
            shown=False,
        ),
    )
    EMAIL_RECIPIENT_RULES = (
        Refusal(
            has_recipient_email,
            _("%(recipient)s has no email address: add one to the party, or name the recipient."),
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("edit", "email"), which is not a transition, cannot run now."""
        return first_refusal({"edit": self.EDIT_RULES, "email": self.EMAIL_RULES}[action], self)

    @document_transition(
        field=state,
        source=QuotationState.DRAFT,
        target=QuotationState.SENT,
        label=_("Send"),
        conditions=[
            Refusal(has_lines, _("Add at least one line before sending the quotation.")),
            Refusal(
                is_valid_today,
                _("Quotation %(number)s was valid until %(valid_until)s: extend its validity before sending it."),
            ),
        ],
        permission="salesapp.send_quotation",
        refused_in_state=_("Quotation %(number)s is %(state)s: only a draft can be sent."),
        code=ErrorCode.QUOTATION_NOT_SENDABLE,
        order=10,
    )
    def send(self, *, by=None):
        self.sent_at = timezone.now()

    @document_transition(
        field=state,
        source=QuotationState.SENT,
        target=QuotationState.DRAFT,
        label=_("Revise"),
        permission="salesapp.change_quotation",
        refused_in_state=_("Quotation %(number)s is %(state)s: only a sent quotation can be revised."),
        code=ErrorCode.QUOTATION_NOT_REVISABLE,
        order=30,
    )
    def revise(self, *, by=None):
        pass

    @document_transition(
        field=state,
        source=QuotationState.SENT,
        target=QuotationState.ACCEPTED,
        label=_("Accept"),
        conditions=[
            Refusal(
                is_valid_today,
                _("Quotation %(number)s was valid until %(valid_until)s: it can no longer be accepted."),
            ),
            CUSTOMER_NOT_BLOCKED,
        ],
        permission="salesapp.accept_quotation",
        refused_in_state=_("Quotation %(number)s is %(state)s: only a sent quotation can be accepted."),
        code=ErrorCode.QUOTATION_NOT_ACCEPTABLE,
        template="salesapp/includes/quotation_accept_form.html",
        order=20,
    )
    def accept(self, *, by=None, revision: int):
        self.accepted_at = timezone.now()
        self.accepted_revision = revision
        self.closed_at = self.accepted_at

    @document_transition(
        field=state,
        source=[QuotationState.DRAFT, QuotationState.SENT],
        target=QuotationState.LOST,
        label=_("Mark lost"),
        permission="salesapp.change_quotation",
        refused_in_state=_("Quotation %(number)s is %(state)s: only a draft or sent quotation can be lost."),
        code=ErrorCode.QUOTATION_NOT_LOSABLE,
        reason_label=_("Note"),
        template="salesapp/includes/quotation_lose_form.html",
        order=80,
    )
    def lose(self, *, by=None, reason: str, description=None):
        self.lost_reason = reason
        self.lost_note = str(description or "")
        self.closed_at = timezone.now()

    @document_transition(
        field=state,
        source=[QuotationState.DRAFT, QuotationState.SENT],
        target=QuotationState.CANCELED,
        label=_("Cancel quotation"),
        permission="salesapp.change_quotation",
        refused_in_state=_("Quotation %(number)s is %(state)s: it can no longer be canceled."),
        code=ErrorCode.QUOTATION_NOT_CANCELABLE,
        confirm=_("Cancel this quotation? This cannot be undone."),
        order=90,
    )
    def cancel(self, *, by=None):
        self.closed_at = timezone.now()

    # Fired by the daily job (or by a service that finds the date passed), never by a button.
    @document_transition(
        field=state,
        source=QuotationState.SENT,
        target=QuotationState.EXPIRED,
        label=_("Expired"),
        conditions=[Refusal(is_past_valid_until, _("Quotation %(number)s is valid until %(valid_until)s."))],
        code=ErrorCode.QUOTATION_NOT_EXPIRABLE,
        automatic=True,
    )
    def expire(self, *, by=None):
        self.closed_at = timezone.now()


class QuotationLine(DocumentLine):
    quotation = models.ForeignKey(
        Quotation, verbose_name=_("quotation"), on_delete=models.CASCADE, related_name="lines"
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        constraints = [
            models.UniqueConstraint(fields=["quotation", "line_no"], name="quotation_line_no_unique"),
            line_kind_constraint("quotation_line_kind"),
        ]

    def __str__(self):
        return f"{self.quotation.number}/{self.line_no}"


class QuotationRevision(models.Model):
    """What the customer was sent, frozen: the header fields and totals of the quotation at that send."""

    quotation = models.ForeignKey(
        Quotation, verbose_name=_("quotation"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    party = models.ForeignKey(
        "marketing.Party", verbose_name=_("prospect"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    quotation_date = models.DateField(_("quotation date"))
    valid_until = models.DateField(_("valid until"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    requested_ship_date = models.DateField(_("requested ship date"), null=True)
    external_document_number = models.CharField(_("external document number"), max_length=100, blank=True)
    terms = models.TextField(_("terms"), blank=True)
    amount_net = MoneyField(_("net amount"))
    amount_tax = MoneyField(_("tax amount"))
    amount_total = MoneyField(_("total"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("quotation revision")
        verbose_name_plural = _("quotation revisions")
        ordering = ["quotation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quotation", "number"], name="quotation_revision_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="quotation_revision_positive"),
        ]

    def __str__(self):
        return f"{self.quotation.number} r{self.number}"

    @property
    def label(self) -> str:
        return f"r{self.number}"


class QuotationRevisionLine(DocumentLine):
    revision = models.ForeignKey(
        QuotationRevision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="lines"
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("quotation revision line")
        verbose_name_plural = _("quotation revision lines")
        constraints = [
            models.UniqueConstraint(fields=["revision", "line_no"], name="quotation_revision_line_no_unique"),
        ]

    def __str__(self):
        return f"{self.revision}/{self.line_no}"


class QuotationEmail(QueuedEmail):
    """One request to email a revision of a quotation, with its PDF attached, and what became of it."""

    quotation = models.ForeignKey(
        Quotation, verbose_name=_("quotation"), on_delete=models.PROTECT, related_name="emails"
    )
    revision = models.PositiveIntegerField(_("revision"))

    class Meta(QueuedEmail.Meta):
        verbose_name = _("quotation email")
        verbose_name_plural = _("quotation emails")
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True), name="quotation_email_sent_or_failed"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="quotation_email_revision_positive"),
        ]

    def __str__(self):
        return f"{self.quotation.number} r{self.revision} → {self.to}"
