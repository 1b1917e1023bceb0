import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.models import AuthoredModel, TimeStampedModel
from core.money import MoneyField
from core.transitions import Refusal, document_transition, first_refusal
from marketing.choices import CampaignState, CampaignType, Response, TargetSource, TargetStatus
from marketing.errors import ErrorCode


class Campaign(ConcurrentStates, AuthoredModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    campaign_type = models.CharField(_("type"), max_length=20, choices=CampaignType.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_campaigns",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = MoneyField(_("budget"))
    description = models.TextField(_("description"), blank=True)
    # Email campaigns: rendered per target with Django's template language ({{ target.name }} …).
    email_subject = models.CharField(_("email subject"), max_length=200, blank=True)
    email_body = models.TextField(_("email text"), blank=True)
    state = FSMField(
        _("status"),
        max_length=20,
        choices=CampaignState.choices,
        default=CampaignState.PLANNED,
        protected=True,
        db_index=True,
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="campaign_budget_not_negative"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def has_targets(self) -> bool:
        return self.targets.exists()

    # The rules of the campaign's actions that are not transitions.
    EDIT_RULES = (
        Refusal(
            lambda campaign: campaign.state in (CampaignState.PLANNED, CampaignState.ACTIVE),
            _("Campaign %(number)s is %(state)s: it can no longer change."),
            shown=False,
        ),
    )
    RESPOND_RULES = (
        Refusal(
            lambda campaign: campaign.state == CampaignState.ACTIVE,
            _("Campaign %(number)s is %(state)s: responses are recorded while it is active."),
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("edit", "add_targets", "respond"), which is not a transition, cannot run now."""
        rules = {"edit": self.EDIT_RULES, "add_targets": self.EDIT_RULES, "respond": self.RESPOND_RULES}[action]
        return first_refusal(rules, self)

    @document_transition(
        field=state,
        source=CampaignState.PLANNED,
        target=CampaignState.ACTIVE,
        label=_("Activate"),
        conditions=[Refusal(has_targets, _("Campaign %(number)s has no targets: add targets before activating it."))],
        permission="marketing.change_campaign",
        refused_in_state=_("Campaign %(number)s is %(state)s: only planned campaigns can be activated."),
        code=ErrorCode.CAMPAIGN_NOT_ACTIVATABLE,
        order=10,
    )
    def activate(self, *, by=None):
        self.activated_at = timezone.now()

    @document_transition(
        field=state,
        source=CampaignState.ACTIVE,
        target=CampaignState.COMPLETED,
        label=_("Complete"),
        permission="marketing.change_campaign",
        refused_in_state=_("Campaign %(number)s is %(state)s: only active campaigns can be completed."),
        code=ErrorCode.CAMPAIGN_NOT_COMPLETABLE,
        confirm=_("Complete this campaign? Responses can no longer be recorded."),
        order=20,
    )
    def complete(self, *, by=None):
        self.completed_at = timezone.now()

    @document_transition(
        field=state,
        source=[CampaignState.PLANNED, CampaignState.ACTIVE],
        target=CampaignState.CANCELED,
        label=_("Cancel campaign"),
        permission="marketing.change_campaign",
        refused_in_state=_("Campaign %(number)s is %(state)s: it can no longer be canceled."),
        code=ErrorCode.CAMPAIGN_NOT_CANCELABLE,
        confirm=_("Cancel this campaign? This cannot be undone."),
        reason_label=_("Cancel reason"),
        reason_required=True,
        order=90,
    )
    def cancel(self, *, by=None, description=None):
        self.canceled_at = timezone.now()
        self.cancel_reason = str(description or "")


class Segment(AuthoredModel):
    """A saved target selection: the filters are re-applied each time, so the segment stays current."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CampaignTarget(TimeStampedModel):
    """A party, lead or opportunity a campaign reaches, with the contact data used when it was selected."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    source = models.CharField(_("selected as"), max_length=20, choices=TargetSource.choices)
    party = models.ForeignKey(
        "marketing.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_targets",
    )
    lead = models.ForeignKey(
        "marketing.Lead",
        verbose_name=_("lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_targets",
    )
    opportunity = models.ForeignKey(
        "marketing.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_targets",
    )
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_calls",
    )
    # A progress field, not a state machine, on purpose: a target has no steps a user takes and no refusals
    # to explain. It records how far the campaign got with it (pending → contacted → responded, or
    # excluded at selection), is written only by the target services as a consequence of a call, an email
    # or a response, and its history is the call and response records themselves (contacted_at,
    # email_sent_at, response_date, responded_by) and the activities they create.
    status = models.CharField(
        _("status"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.PENDING, db_index=True
    )
    excluded_reason = models.CharField(_("excluded because"), max_length=200, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    # The campaign email goes out through jobs (marketing.jobs): queued when the clerk sends, stamped sent
    # just before its message is handed to the mail server (so a retried job never mails twice), or failed
    # with the server's answer.
    email_queued_at = models.DateTimeField(_("email queued at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("email failed at"), null=True, blank=True)
    email_error = models.CharField(_("email error"), max_length=500, blank=True)
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True, db_index=True)
    response_date = models.DateField(_("response date"), null=True, blank=True)
    response_note = models.TextField(_("response note"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_lead = models.ForeignKey(
        "marketing.Lead",
        verbose_name=_("lead created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_opportunity = models.ForeignKey(
        "marketing.Opportunity",
        verbose_name=_("opportunity created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unsubscribe_token = models.UUIDField(_("unsubscribe token"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["campaign", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "party"], condition=models.Q(party__isnull=False), name="target_party_once"
            ),
            models.UniqueConstraint(
                fields=["campaign", "lead"], condition=models.Q(lead__isnull=False), name="target_lead_once"
            ),
            models.CheckConstraint(
                condition=models.Q(party__isnull=False) | models.Q(lead__isnull=False), name="target_party_or_lead"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="target_campaign_status_idx")]

    def __str__(self):
        return f"{self.campaign.number}: {self.name}"
