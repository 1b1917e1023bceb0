"""The decisions taken on orders that waited for approval: who decided what, with which comment, for whom, and
whether the requester has been told."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesapp.choices import ApprovalDecision


class OrderApprovalDecision(models.Model):
    """One approval or rejection of an order. Written with the transition it records; the job that emails the
    requester claims the row (``notified_at``) before the message goes, so a retried job never mails twice."""

    order = models.ForeignKey(
        "salesapp.SalesOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="approval_decisions"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=ApprovalDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    request_reason = models.TextField(_("approval reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("requester notified at"), null=True, blank=True)
    notify_error = models.CharField(_("notification error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("order approval decision")
        verbose_name_plural = _("order approval decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            # Separation of duties (DESIGN.md §7), also when a service is bypassed.
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")), name="approval_decider_not_requester"
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.get_decision_display()}"
