from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.models import AuthoredModel
from core.search import trigram_index
from core.transitions import Refusal, document_transition, first_refusal
from marketing.choices import LeadSource, LeadState
from marketing.errors import ErrorCode


class Lead(ConcurrentStates, AuthoredModel):
    """A sales initiative that may come before any party exists: its contact data is its own until
    conversion creates or reuses the party."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. NL"))
    source = models.CharField(_("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.WEB)
    campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    party = models.ForeignKey(
        "marketing.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_leads",
    )
    notes = models.TextField(_("notes"), blank=True)
    state = FSMField(
        _("status"), max_length=20, choices=LeadState.choices, default=LeadState.NEW, protected=True, db_index=True
    )
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    disqualified_at = models.DateTimeField(_("disqualified at"), null=True, blank=True)
    disqualify_reason = models.CharField(_("disqualification reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-id"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [
            trigram_index("number", name="lead_number_trgm"),
            trigram_index("company_name", name="lead_company_name_trgm"),
            trigram_index("contact_name", name="lead_contact_name_trgm"),
            trigram_index("email", name="lead_email_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(company_name="", contact_name=""), name="lead_has_company_or_contact"
            )
        ]

    def __str__(self):
        return f"{self.number} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.company_name and self.contact_name:
            return f"{self.company_name} ({self.contact_name})"
        return self.company_name or self.contact_name

    EDIT_RULES = (
        Refusal(
            lambda lead: lead.state in (LeadState.NEW, LeadState.QUALIFIED),
            _("Lead %(number)s is %(state)s: only new and qualified leads can be changed."),
            shown=False,
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("edit"), which is not a transition of the lead, cannot run now."""
        return first_refusal({"edit": self.EDIT_RULES}[action], self)

    @document_transition(
        field=state,
        source=LeadState.NEW,
        target=LeadState.QUALIFIED,
        label=_("Qualify"),
        permission="marketing.change_lead",
        refused_in_state=_("Lead %(number)s is %(state)s: only new leads can be qualified."),
        code=ErrorCode.LEAD_NOT_QUALIFIABLE,
        order=10,
    )
    def qualify(self, *, by=None):
        self.qualified_at = timezone.now()

    @document_transition(
        field=state,
        source=LeadState.QUALIFIED,
        target=LeadState.CONVERTED,
        label=_("Convert"),
        permission="marketing.change_lead",
        refused_in_state=lambda lead: (
            (
                gettext("Lead %(number)s is new: qualify it before converting.")
                if lead.state == LeadState.NEW
                else gettext("Lead %(number)s is %(state)s: only qualified leads can be converted.")
            )
            % {"number": lead.number, "state": lead.get_state_display()}
        ),
        code=ErrorCode.LEAD_NOT_CONVERTIBLE,
        template="marketing/includes/lead_convert_link.html",
        order=20,
    )
    def convert(self, *, by=None):
        self.converted_at = timezone.now()

    @document_transition(
        field=state,
        source=[LeadState.NEW, LeadState.QUALIFIED],
        target=LeadState.DISQUALIFIED,
        label=_("Disqualify"),
        permission="marketing.change_lead",
        refused_in_state=_("Lead %(number)s is %(state)s: it can no longer be disqualified."),
        code=ErrorCode.LEAD_NOT_DISQUALIFIABLE,
        confirm=_("Disqualify this lead? It can no longer be converted."),
        reason_label=_("Disqualify because"),
        reason_required=True,
        order=90,
    )
    def disqualify(self, *, by=None, description=None):
        self.disqualified_at = timezone.now()
        self.disqualify_reason = str(description or "")
