from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from marketing.choices import ActivityType, CallOutcome


class Activity(AuthoredModel):
    """A call, meeting, task or email, planned or done, about a party or a lead and whatever it concerns."""

    activity_type = models.CharField(_("type"), max_length=20, choices=ActivityType.choices, default=ActivityType.TASK)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="activities"
    )
    done = models.BooleanField(_("done"), default=False, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices, blank=True)
    party = models.ForeignKey(
        "marketing.Party",
        verbose_name=_("party"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    lead = models.ForeignKey(
        "marketing.Lead",
        verbose_name=_("lead"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    opportunity = models.ForeignKey(
        "marketing.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    campaign_target = models.ForeignKey(
        "marketing.CampaignTarget",
        verbose_name=_("campaign target"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    # Any sales or invoicing document (order, invoice, …), which marketing cannot name directly.
    document_type = models.ForeignKey(
        ContentType, verbose_name=_("document type"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document_id = models.PositiveBigIntegerField(_("document id"), null=True, blank=True)
    document = GenericForeignKey("document_type", "document_id")
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["done", "due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party__isnull=False) | models.Q(lead__isnull=False), name="activity_party_or_lead"
            ),
            models.CheckConstraint(
                condition=models.Q(done=False, done_at__isnull=True) | models.Q(done=True, done_at__isnull=False),
                name="activity_done_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "done", "due_at"], name="activity_owner_open_idx"),
            models.Index(fields=["document_type", "document_id"], name="activity_document_idx"),
        ]

    def __str__(self):
        return self.subject
